"""Request and response models of the accounts API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from apiflask.fields import UploadFile
from flask_babel import gettext as _
from pydantic import AfterValidator, BaseModel, Field, RootModel
from pydantic_core import PydanticCustomError

from ihome.core.schema_types import Text

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")  # ASCII digits: \d would take Arabic-Indic ones


def _mobile(value: str) -> str:
    value = value.strip()
    if not MOBILE.match(value):
        raise PydanticCustomError("mobile", _("Please enter a mainland China mobile number (11 digits)"))
    return value


Mobile = Annotated[str, Field(max_length=32, description="mainland China mobile number, `1[3-9]` and 9 digits",
                              examples=["13800138000"], json_schema_extra={"pattern": r"^\s*1[3-9][0-9]{9}\s*$"}),
                   AfterValidator(_mobile)]


class SmsCodeIn(BaseModel):
    mobile: Mobile
    image_code: Text = Field(min_length=1, max_length=16, description="the characters shown in the image")
    image_code_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$",
                               description="the id the image was requested with")


class RegisterIn(BaseModel):
    mobile: Mobile
    sms_code: Text = Field(min_length=1, max_length=16, description="the 6-digit code sent by SMS")
    password: str = Field(min_length=1, max_length=128, description="at least 8 characters")
    password2: str = Field(min_length=1, max_length=128, description="the same password again")


class LoginIn(BaseModel):
    mobile: str = Field(min_length=1, max_length=32)
    password: str = Field(min_length=1, max_length=128)


class SessionOut(BaseModel):
    user_id: int
    name: str


class UserOut(BaseModel):
    user_id: int
    name: str
    mobile: str
    avatar_url: str | None = Field(description="the 200x200 avatar, or null")
    real_name_verified: bool
    create_time: datetime


class NameIn(BaseModel):
    name: Text = Field(min_length=1, max_length=32, json_schema_extra={"pattern": r"\S"},
                       description="1–32 characters, not a mobile number (4103)")


class NameOut(BaseModel):
    name: str


class AvatarIn(BaseModel):
    avatar: UploadFile = Field(description="JPEG, PNG or WebP, at most 5 MB")


class AvatarOut(BaseModel):
    avatar_url: str


class RealNameIn(BaseModel):
    real_name: Text = Field(min_length=1, max_length=64, description="2-32 characters")
    id_card: Text = Field(min_length=1, max_length=32, description="18-character mainland ID number")


class RealNameOut(BaseModel):
    real_name: str | None
    id_card: str | None = Field(description="masked: the first 3 and last 4 characters shown")


class NullOut(RootModel[None]):
    """No payload: ``data`` is null."""
