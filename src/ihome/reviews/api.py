"""The reviews JSON API under /api/v1.0: the guest reviews the house, the host reviews the guest and
replies, and a person's public profile."""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask

from ihome.core.responses import ok
from ihome.core.security import login_required, require_user_id
from ihome.extensions import db
from ihome.orders.schemas import OrderStateOut
from ihome.reviews import profile, service, subscribers
from ihome.reviews.profile_schemas import ProfileOut
from ihome.reviews.schemas import CommentIn, GuestReviewIn, NullOut, ReplyIn

bp = APIBlueprint("reviews_api", __name__, url_prefix="/api/v1.0", tag="Reviews")

NOT_LOGGED_IN = "4101: not logged in"
NO_ORDER = "4002: no such order"
DOUBLE_BLIND = ("Reviews are double-blind: the guest's review of the house and the host's review of the guest "
                "become public together when both exist, or when the review window (IHOME_REVIEW_WINDOW_DAYS "
                "after check-out) closes; until then each author alone sees their own, and the house's rating "
                "counts only public reviews that no administrator hid.")


@bp.put("/orders/<int:order_id>/comment")
@login_required
@bp.input(CommentIn)
@bp.output(OrderStateOut)
@bp.doc(summary="Review a stay", tags=["Orders", "Reviews"],
        description="The guest's comment and 1–5 stars on a WAIT_COMMENT order: COMPLETE. " + DOUBLE_BLIND,
        responses={401: NOT_LOGGED_IN, 403: "4105: not the guest", 404: NO_ORDER,
                   400: "4103: comment or rating out of range", 409: "4004: not in WAIT_COMMENT"})
def comment(order_id: int, json_data: CommentIn):
    order = service.review_house(user_id=require_user_id(), order_id=order_id, comment=json_data.comment,
                                 rating=json_data.rating)
    db.session.commit()
    return ok({"order_id": order.id, "status": order.status})


@bp.put("/orders/<int:order_id>/guest_review")
@login_required
@bp.input(GuestReviewIn)
@bp.output(NullOut)
@bp.doc(summary="Review the guest",
        description="The host's 1–5 stars and words about the guest of a finished stay (WAIT_COMMENT or "
                    "COMPLETE), from check-out day to IHOME_REVIEW_WINDOW_DAYS (14) days after it, once. "
                    + DOUBLE_BLIND,
        responses={401: NOT_LOGGED_IN, 403: "4105: not the host of this stay", 404: NO_ORDER,
                   400: "4103: rating or comment out of range",
                   409: "4004: before check-out, after the window, or already reviewed"})
def guest_review(order_id: int, json_data: GuestReviewIn):
    service.review_guest(user_id=require_user_id(), order_id=order_id, rating=json_data.rating,
                         comment=json_data.comment)
    db.session.commit()
    return ok(None)


@bp.put("/orders/<int:order_id>/comment/reply")
@login_required
@bp.input(ReplyIn)
@bp.output(NullOut)
@bp.doc(summary="Reply to the guest's review",
        description="The host's answer, shown under the guest's review on the house page (house detail "
                    "comments[].reply); once, when that review is public.",
        responses={401: NOT_LOGGED_IN, 403: "4105: not the host of this stay", 404: NO_ORDER,
                   400: "4103: reply empty or longer than 500 characters",
                   409: "4004: no public review yet, hidden by an administrator, or already replied"})
def reply(order_id: int, json_data: ReplyIn):
    service.reply(user_id=require_user_id(), order_id=order_id, text=json_data.reply)
    db.session.commit()
    return ok(None)


@bp.get("/users/<int:user_id>")
@bp.output(ProfileOut)
@bp.doc(summary="A person's public profile", tags=["Accounts", "Reviews"],
        description="Name, avatar, the day they joined, real-name verification, their publicly visible "
                    "listings, the public reviews hosts wrote of them as a guest, and their response rate as a "
                    "host. Never a mobile number.",
        responses={404: "4002: no such user, or the account is suspended"})
def user_profile(user_id: int):
    return ok(profile.public_profile(user_id=user_id))


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
    subscribers.subscribe()
