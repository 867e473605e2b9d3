"""The back office's JSON API (administrators only): lists, actions and the audit log.

Every view is ``admin_required`` (401/4101 anonymous, 403/4105 anyone else), takes its input
schema, calls one service, commits, and answers through its output schema. Each action appends an
audit entry in the same transaction as the change.
"""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, APIFlask
from flask import current_app, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from ihome.admin import audit, browse, moderation, order_actions, payouts, refunds
from ihome.admin.access import admin_required
from ihome.admin.action_schemas import (
    AdminHousesOut,
    AdminOrdersOut,
    AdminUsersOut,
    AuditOut,
    AuditQuery,
    CancelIn,
    HousesQuery,
    ListingIn,
    ListingOut,
    OrdersQuery,
    OrderStateOut,
    PayoutPaidIn,
    PayoutsOut,
    PayoutsQuery,
    RefundsOut,
    RefundsQuery,
    RetryIn,
    RetryOut,
    ReviewsIn,
    ReviewsOut,
    UsersQuery,
    UserStatusIn,
    UserStatusOut,
)
from ihome.core.errors import Invalid
from ihome.core.responses import ok
from ihome.core.security import require_user_id
from ihome.core.sessions import destroy_user_sessions
from ihome.extensions import db
from ihome.payments.payouts import payout_out
from ihome.payments.schemas import PayoutOut

bp = APIBlueprint("admin_actions_api", __name__, url_prefix="/api/v1.0/admin", tag="Administration")
ADMIN = {401: "not logged in (4101)", 403: "not an administrator (4105)"}
ACTION = {**ADMIN, 400: "missing reason or bad field (4103)", 404: "no such object (4002)"}


@bp.get("/houses")
@admin_required
@bp.input(HousesQuery, location="query")
@bp.output(AdminHousesOut)
@bp.doc(summary="Houses (back office)", description="Newest first, 20 a page; q is an id or part of the title "
        "or address; status listed | unlisted | host_suspended; aid a district.", responses=ADMIN)
def houses(query_data: HousesQuery):
    return ok(browse.list_houses(q=query_data.q, status=query_data.status, aid=query_data.aid, page=query_data.p))


@bp.get("/users")
@admin_required
@bp.input(UsersQuery, location="query")
@bp.output(AdminUsersOut)
@bp.doc(summary="Users (back office)", description="Newest first, 20 a page; q is an id or part of the name or "
        "mobile; status active | suspended | admin | host.", responses=ADMIN)
def users(query_data: UsersQuery):
    return ok(browse.list_users(q=query_data.q, status=query_data.status, page=query_data.p))


@bp.get("/orders")
@admin_required
@bp.input(OrdersQuery, location="query")
@bp.output(AdminOrdersOut)
@bp.doc(summary="Orders (back office)", description="Newest first, 20 a page; q is an order id or part of the "
        "house title; status an order state; aid the house's district.", responses=ADMIN)
def orders(query_data: OrdersQuery):
    return ok(browse.list_orders(q=query_data.q, status=query_data.status, aid=query_data.aid, page=query_data.p))


@bp.put("/houses/<int:house_id>/listing")
@admin_required
@bp.input(ListingIn)
@bp.output(ListingOut)
@bp.doc(summary="Unlist or relist a house", description="listed=false needs a reason. An unlisted house leaves "
        "search, the home list and its public detail at once (404 to all but its owner and administrators); "
        "the host is texted.", responses=ACTION)
def set_listing(house_id: int, json_data: ListingIn):
    house = moderation.set_listing(admin_id=require_user_id(), house_id=house_id, listed=json_data.listed,
                                   reason=json_data.reason)
    db.session.commit()
    return ok({"listed": house.listed})


@bp.put("/users/<int:user_id>/status")
@admin_required
@bp.input(UserStatusIn)
@bp.output(UserStatusOut)
@bp.doc(summary="Suspend or restore a user", description="active=false needs a reason: ends their sessions, "
        "refuses their login (403/4104), hides their houses, cancels their pending bookings, rejects pending "
        "requests on their houses and cancels their hosted paid stays from today on with full refunds.",
        responses={**ACTION, 409: "you cannot suspend yourself (4004)"})
def set_user_status(user_id: int, json_data: UserStatusIn):
    user = moderation.set_user_status(admin_id=require_user_id(), user_id=user_id, active=json_data.active,
                                      reason=json_data.reason)
    db.session.commit()
    if not user.is_active:  # after commit: a login racing the suspension sees it and is refused
        destroy_user_sessions(current_app, user.id)
    return ok({"active": user.is_active})


@bp.put("/orders/<int:order_id>/cancel")
@admin_required
@bp.input(CancelIn)
@bp.output(OrderStateOut)
@bp.doc(summary="Cancel an order", description="WAIT_ACCEPT, WAIT_PAYMENT or PAID → CANCELED (event actor "
        "admin:<id>); a paid order is refunded in full; guest (and, if paid, host) texted.",
        responses={**ACTION, 409: "not cancellable in its state (4004)"})
def cancel_order(order_id: int, json_data: CancelIn):
    order = order_actions.cancel_order(admin_id=require_user_id(), order_id=order_id, reason=json_data.reason)
    db.session.commit()
    return ok({"order_id": order.id, "status": order.status})


@bp.put("/orders/<int:order_id>/reviews")
@admin_required
@bp.input(ReviewsIn)
@bp.output(ReviewsOut)
@bp.doc(summary="Hide or show a stay's reviews", description="visible=false needs a reason; a hidden review "
        "leaves the house's comments and rating.", responses={**ACTION, 409: "the stay has no review (4004)"})
def set_reviews(order_id: int, json_data: ReviewsIn):
    order = order_actions.set_review_visibility(admin_id=require_user_id(), order_id=order_id,
                                                visible=json_data.visible, reason=json_data.reason)
    db.session.commit()
    return ok({"order_id": order.id, "review_hidden": order.review_hidden})


@bp.get("/refunds")
@admin_required
@bp.input(RefundsQuery, location="query")
@bp.output(RefundsOut)
@bp.doc(summary="Refunds", description="Newest first, 20 a page; status PENDING | SUCCEEDED | FAILED.",
        responses=ADMIN)
def list_refunds(query_data: RefundsQuery):
    return ok(refunds.list_refunds(status=query_data.status, page=query_data.p))


@bp.post("/refunds/<int:refund_id>/retry")
@admin_required
@bp.output(RetryOut)
@bp.doc(summary="Retry a refund", description="A FAILED or PENDING refund is sent to the provider again "
        "(status PENDING until it answers). The body is optional: a JSON object {reason} (≤ 500 characters).",
        responses={**ACTION, 409: "already succeeded (4004)"})
def retry_refund(refund_id: int):
    body = RetryIn.model_validate(optional_json_body(RetryIn))  # the body is optional: no @bp.input
    refund = refunds.retry_refund(admin_id=require_user_id(), refund_id=refund_id, reason=body.reason)
    db.session.commit()
    return ok({"status": refund.status})


@bp.get("/payouts")
@admin_required
@bp.input(PayoutsQuery, location="query")
@bp.output(PayoutsOut)
@bp.doc(summary="Payouts", description="What stays earn their hosts, oldest due first, 20 a page; status "
        "pending | paid.", responses=ADMIN)
def list_payouts(query_data: PayoutsQuery):
    return ok(payouts.list_payouts(status=query_data.status, page=query_data.p))


@bp.put("/payouts/<int:payout_id>/paid")
@admin_required
@bp.output(PayoutOut)
@bp.doc(summary="Mark a payout paid", description="Records who marked it and when (no transfer is made), and an "
        "audit entry payout.paid. The body is optional: a JSON object {reason} (≤ 500 characters), kept as the "
        "payout's note.", responses={**ACTION, 409: "already paid: nothing changes (4004)"})
def mark_payout_paid(payout_id: int):
    body = PayoutPaidIn.model_validate(optional_json_body(PayoutPaidIn))  # the body is optional: no @bp.input
    payout = payouts.mark_paid(admin_id=require_user_id(), payout_id=payout_id, reason=body.reason)
    db.session.commit()
    return ok(payout_out(payout))


@bp.get("/audit")
@admin_required
@bp.input(AuditQuery, location="query")
@bp.output(AuditOut)
@bp.doc(summary="Audit log", description="Every administrator action, newest first, 20 a page.",
        responses=ADMIN)
def audit_log(query_data: AuditQuery):
    return ok(audit.list_entries(page=query_data.p, action=query_data.action))


def optional_json_body(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON object sent, ``{}`` when there is no body; ``Invalid`` (4103) when it breaks ``model``."""
    if not request.get_data():
        return {}
    body = request.get_json(silent=True)
    try:
        return model.model_validate(body if isinstance(body, dict) else None).model_dump()
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for error in exc.errors():
            fields.setdefault(".".join(str(p) for p in error["loc"]) or "body", []).append(error["msg"])
        raise Invalid(_("Some fields are invalid"), fields=fields) from exc


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
