"""Request and response models of the back office's lists and actions (/api/v1.0/admin)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from ihome.payments.schemas import PayoutOut

ORDER_STATES = Literal["WAIT_ACCEPT", "WAIT_PAYMENT", "PAID", "WAIT_COMMENT", "COMPLETE", "CANCELED", "REJECTED"]
REASON = Field(default=None, max_length=500, description="why (1–500 characters); shown in the audit log")


class _Paged(BaseModel):
    q: str | None = Field(default=None, max_length=50, description="an id, or a substring to look for")
    p: int = Field(default=1, ge=1, le=1_000_000, description="page, from 1 (20 rows a page)")


class HousesQuery(_Paged):
    status: Literal["listed", "unlisted", "host_suspended"] | None = None
    aid: int | None = Field(default=None, ge=1, le=10**9, description="district")


class UsersQuery(_Paged):
    status: Literal["active", "suspended", "admin", "host"] | None = None


class OrdersQuery(_Paged):
    status: ORDER_STATES | None = None
    aid: int | None = Field(default=None, ge=1, le=10**9, description="the house's district")


class RefundsQuery(BaseModel):
    status: Literal["PENDING", "SUCCEEDED", "FAILED"] | None = None
    p: int = Field(default=1, ge=1, le=1_000_000)


class PayoutsQuery(BaseModel):
    status: Literal["pending", "paid"] | None = None
    p: int = Field(default=1, ge=1, le=1_000_000)


class AuditQuery(BaseModel):
    p: int = Field(default=1, ge=1, le=1_000_000, description="page, from 1 (20 entries a page)")
    action: str | None = Field(default=None, max_length=32, description="only this action, e.g. house.unlist")


class Paging(BaseModel):
    total: int
    total_page: int
    current_page: int


class HostOut(BaseModel):
    user_id: int
    name: str
    active: bool


class AdminHouseOut(BaseModel):
    house_id: int
    title: str
    area_id: int
    area_name: str
    price: int = Field(description="fen a night")
    host: HostOut
    listed: bool
    unlisted_reason: str | None
    order_count: int
    create_time: str


class AdminHousesOut(Paging):
    houses: list[AdminHouseOut]


class AdminUserOut(BaseModel):
    user_id: int
    name: str
    mobile: str
    active: bool
    suspended_reason: str | None
    is_admin: bool
    verified: bool
    houses: int = Field(description="how many houses they host")
    create_time: str


class AdminUsersOut(Paging):
    users: list[AdminUserOut]


class GuestOut(BaseModel):
    user_id: int
    name: str


class AdminOrderOut(BaseModel):
    order_id: int
    house_id: int
    title: str
    host_id: int
    guest: GuestOut
    start_date: date
    end_date: date
    days: int
    amount: int = Field(description="fen")
    status: str
    rating: int | None
    comment: str | None
    review_hidden: bool
    ctime: str


class AdminOrdersOut(Paging):
    orders: list[AdminOrderOut]


class RefundOut(BaseModel):
    refund_id: int
    order_id: int
    amount: int = Field(description="fen")
    status: str = Field(description="PENDING, SUCCEEDED or FAILED")
    attempts: int
    last_error: str | None
    reason: str
    out_request_no: str
    created_at: str


class RefundsOut(Paging):
    refunds: list[RefundOut]


class PayoutsOut(Paging):
    payouts: list[PayoutOut]


class PayoutPaidIn(BaseModel):
    reason: str | None = Field(default=None, max_length=500,
                               description="a note (≤ 500 characters): the transfer's reference; kept on the payout "
                                           "and in the audit log")


class AuditEntryOut(BaseModel):
    audit_id: int
    at: str = Field(description="ISO 8601, UTC")
    admin_id: int
    admin_name: str = Field(description="the administrator's name")
    action: str = Field(description="house.unlist, house.relist, user.suspend, user.restore, order.cancel, "
                                    "order.hide_reviews, order.show_reviews, refund.retry, payout.paid")
    target: str = Field(description="<type>:<id>, e.g. house:7")
    target_type: str
    target_id: int
    reason: str


class AuditOut(Paging):
    entries: list[AuditEntryOut]


class ListingIn(BaseModel):
    listed: bool
    reason: str | None = REASON


class ListingOut(BaseModel):
    listed: bool


class UserStatusIn(BaseModel):
    active: bool
    reason: str | None = REASON


class UserStatusOut(BaseModel):
    active: bool


class CancelIn(BaseModel):
    reason: str = Field(max_length=500, description="why (1–500 characters)")


class OrderStateOut(BaseModel):
    order_id: int
    status: str


class ReviewsIn(BaseModel):
    visible: bool
    reason: str | None = REASON


class ReviewsOut(BaseModel):
    order_id: int
    review_hidden: bool


class RetryIn(BaseModel):
    reason: str | None = REASON


class RetryOut(BaseModel):
    status: str = Field(description="PENDING: sent to the provider again")
