"""Language choice: ``?lang=`` (remembered in a cookie), then Accept-Language, then Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, has_request_context, request
from flask_babel import force_locale

LANGUAGES = {"zh": "zh_Hans_CN", "en": "en"}  # Babel looks up zh_Hans_CN, not zh_CN
LANG_COOKIE = "lang"
LOCALE_KEY = "ihome.locale"


def select_locale() -> str:
    """The locale of this request (Chinese outside a request: CLI commands, Celery tasks).

    Worked out once per request and kept in its WSGI environ (not ``g``, which nested request contexts of
    one app context share): parsing Accept-Language costs ~35 µs, and a cached
    answer asks for the language two or three times (its key, the envelope's message, templates).
    """
    if not has_request_context():
        return LANGUAGES["zh"]
    locale: str | None = request.environ.get(LOCALE_KEY)
    if locale is None:
        locale = request.environ[LOCALE_KEY] = _request_locale()
    return locale


def _request_locale() -> str:
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


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """This request speaks ``language`` (zh or en) inside the block: work done on behalf of another
    reader (a search refreshed ahead of its readers) in that reader's language."""
    previous = request.environ.get(LOCALE_KEY)
    request.environ[LOCALE_KEY] = LANGUAGES.get(language, LANGUAGES["zh"])
    try:
        with force_locale(request.environ[LOCALE_KEY]):
            yield
    finally:
        if previous is None:
            request.environ.pop(LOCALE_KEY, None)
        else:
            request.environ[LOCALE_KEY] = previous


def _remember_choice(response: Response) -> Response:
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
