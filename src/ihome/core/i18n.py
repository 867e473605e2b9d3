"""Language choice: ``?lang=`` (remembered in a cookie), then Accept-Language, then Chinese."""

from __future__ import annotations

from flask import Flask, has_request_context, request

LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}  # Babel looks up zh_Hans_CN, not zh_CN
LANG_COOKIE = "lang"


def select_locale() -> str:
    """The locale of this request (Chinese outside a request: CLI commands, Celery tasks)."""
    if not has_request_context():
        return LANGUAGES["zh"]
    choice = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    if choice:
        short = choice.split("-")[0].split("_")[0].lower()
        if short in LANGUAGES:
            return LANGUAGES[short]
    best = request.accept_languages.best_match(["zh", "zh-CN", "en"], default="zh")
    return LANGUAGES["en"] if best.startswith("en") else LANGUAGES["zh"]


def current_language() -> str:
    """``zh`` or ``en``, for templates and the ``<html lang>`` attribute."""
    return "en" if select_locale() == "en" else "zh"


def _remember_choice(response):
    choice = request.args.get("lang", "").lower()
    if choice in LANGUAGES and request.cookies.get(LANG_COOKIE) != choice:
        response.set_cookie(LANG_COOKIE, choice, max_age=60 * 60 * 24 * 365, samesite="Lax")
    return response


def localized(zh: str, en: str | None) -> str:
    """Pick the Chinese or English name of reference data for this request."""
    return en if (en and current_language() == "en") else zh


def register_i18n(app: Flask) -> None:
    app.after_request(_remember_choice)
    app.jinja_env.globals["current_language"] = current_language
