"""Request and response models of the houses API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AreaOut(BaseModel):
    aid: int = Field(description="district id")
    aname: str = Field(description="district name in the request's language")


class FacilityOut(BaseModel):
    fid: int = Field(description="facility id")
    fname: str = Field(description="facility name in the request's language")
    icon: str | None = Field(default=None, description="icon name under /static/img/facilities/")
