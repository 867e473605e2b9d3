"""The accounts JSON API under /api/v1.0: verification codes, users, sessions, profile."""

from __future__ import annotations

from typing import Any

from apiflask import APIBlueprint, APIFlask
from flask import make_response

from ihome.accounts import codes, service
from ihome.accounts.schemas import (
    AvatarIn,
    AvatarOut,
    LoginIn,
    NameIn,
    NameOut,
    NullOut,
    RealNameIn,
    RealNameOut,
    RegisterIn,
    SessionOut,
    SmsCodeIn,
    UserOut,
)
from ihome.core.docs import path_pattern
from ihome.core.network import client_ip
from ihome.core.responses import ok
from ihome.core.security import login_required, login_session, logout_session, require_user_id
from ihome.extensions import db

bp = APIBlueprint("accounts_api", __name__, url_prefix="/api/v1.0", tag="Accounts")
IMAGE_CODE_RESPONSES: dict[int | str, dict[str, str | dict[str, dict[str, Any]]]] = {
    200: {"description": "the captcha image",
          "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
    400: {"description": "bad id (1-64 of A-Z a-z 0-9 -)"},
    429: {"description": "too many images from this address"},
}


# ---- verification ----------------------------------------------------------------------------------------

@bp.get("/image_codes/<string:image_code_id>")
@path_pattern(image_code_id=r"^[A-Za-z0-9-]{1,64}$")
@bp.doc(summary="Image captcha", tags=["Verification"],
        description="A JPEG with 4 characters, valid 180 s, spent by the first attempt. "
                    "Errors answer the JSON envelope.",
        responses=IMAGE_CODE_RESPONSES)
def image_code(image_code_id: str):
    jpeg = codes.issue_image_code(code_id=image_code_id, ip=client_ip())
    response = make_response(jpeg)
    response.mimetype = "image/jpeg"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/sms_codes")
@bp.input(SmsCodeIn)
@bp.output(NullOut)
@bp.doc(summary="Send an SMS code", tags=["Verification"],
        description="Checks (and spends) the image code, then queues a 6-digit code valid 300 s.",
        responses={404: "image code expired or unknown (4002)", 400: "image code wrong (4004)",
                   409: "mobile already registered (4003)", 429: "too many codes (4201)"})
def sms_codes(json_data: SmsCodeIn):
    codes.request_sms_code(mobile=json_data.mobile, image_code=json_data.image_code,
                           image_code_id=json_data.image_code_id, ip=client_ip())
    return ok(None)


# ---- registration and sessions ---------------------------------------------------------------------------

@bp.post("/users")
@bp.input(RegisterIn)
@bp.output(SessionOut, status_code=201)
@bp.doc(summary="Register",
        description="Creates the user and logs them in; the name starts as 用户 + the last 4 digits of the "
                    "mobile (用户8000, or 用户8000-2… when taken), never the mobile.",
        responses={404: "SMS code expired (4002)", 400: "SMS code wrong (4004) or password rules (4106)",
                   409: "mobile registered (4003)"})
def register_user(json_data: RegisterIn):
    user = service.register_user(mobile=json_data.mobile, sms_code=json_data.sms_code,
                                 password=json_data.password, password2=json_data.password2)
    db.session.commit()
    login_session(user.id)
    return ok({"user_id": user.id, "name": user.name}, 201)


@bp.post("/sessions")
@bp.input(LoginIn)
@bp.output(SessionOut)
@bp.doc(summary="Log in", responses={
    401: "wrong mobile or password (4102)", 403: "account disabled (4104)",
    429: "too many attempts in 10 minutes (4201): 5 per mobile and address, 100 per address, "
         "50 per mobile except from an address it logged in from; Retry-After says when"})
def log_in(json_data: LoginIn):
    user = service.authenticate(mobile=json_data.mobile.strip(), password=json_data.password,
                                address=client_ip())
    login_session(user.id)
    return ok({"user_id": user.id, "name": user.name})


@bp.get("/session")
@bp.output(SessionOut)
@bp.doc(summary="Who is logged in", responses={401: "not logged in (4101)"})
def current_session():
    return ok(service.session_info(user_id=require_user_id()))


@bp.delete("/session")
@bp.output(NullOut)
@bp.doc(summary="Log out", description="Destroys the server-side session.", responses={401: "not logged in"})
@login_required
def log_out():
    logout_session()
    return ok(None)


# ---- profile ---------------------------------------------------------------------------------------------

@bp.get("/user")
@bp.output(UserOut)
@bp.doc(summary="My profile", responses={401: "not logged in"})
@login_required
def my_profile():
    return ok(service.profile(user_id=require_user_id()))


@bp.put("/user/name")
@login_required
@bp.input(NameIn)
@bp.output(NameOut)
@bp.doc(summary="Rename", responses={409: "name taken (4003)", 401: "not logged in",
                                     400: "1–32 characters, and not a mobile number (4103)"})
def rename(json_data: NameIn):
    user = service.rename(user_id=require_user_id(), name=json_data.name)
    db.session.commit()
    return ok({"name": user.name})


@bp.post("/user/avatar")
@login_required
@bp.input(AvatarIn, location="files")
@bp.output(AvatarOut)
@bp.doc(summary="Upload an avatar", description="Stored as a 200x200 JPEG crop, metadata removed.",
        responses={400: "not an image, too large, or more than IHOME_MAX_AVATAR_PIXELS pixels (4103)",
                   401: "not logged in",
                   503: "too many images being processed (4001); Retry-After says when to try again"})
def upload_avatar(files_data: AvatarIn):
    url = service.set_avatar(user_id=require_user_id(), data=files_data.avatar.read())
    db.session.commit()
    return ok({"avatar_url": url})


@bp.get("/user/auth")
@bp.output(RealNameOut)
@bp.doc(summary="My real-name information", description="The ID number is masked.")
@login_required
def real_name():
    return ok(service.real_name_info(user_id=require_user_id()))


@bp.post("/user/auth")
@login_required
@bp.input(RealNameIn)
@bp.output(NullOut)
@bp.doc(summary="Set real-name information", description="Once; it cannot be changed afterwards.",
        responses={400: "invalid name or ID (4103)", 409: "already set (4003)"})
def set_real_name(json_data: RealNameIn):
    service.set_real_name(user_id=require_user_id(), real_name=json_data.real_name, id_card=json_data.id_card)
    db.session.commit()
    return ok(None)


def register(app: APIFlask) -> None:
    app.register_blueprint(bp)
