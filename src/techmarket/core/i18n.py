"""Languages: Chinese first (zh_Hans_CN), complete English."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from techmarket.core.visitor import may_be_signed_in

LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}


def is_chinese() -> bool:
    """Whether the text being made is Chinese (the default when no locale is chosen, as in a CLI command)."""
    return str(get_locale() or "zh").startswith("zh")


def select_locale() -> str:
    """The language of this response. An explicit choice wins: ``?lang=`` on the request (a shared link), then
    the choice kept in the session (the language switch), then the signed-in user's own. Without one, Chinese
    (the market's language) unless the browser prefers English; no ``Accept-Language`` header means Chinese."""
    if not has_request_context():  # CLI commands and jobs: no visitor, so the default language
        return str(current_app.config["DEFAULT_LOCALE"])
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    if may_be_signed_in() and current_user.is_authenticated and current_user.language in LANGUAGES:
        return str(current_user.language)
    best = request.accept_languages.best_match(["zh", "en"])
    if best == "en":
        return "en"
    return str(current_app.config["DEFAULT_LOCALE"])


def select_timezone() -> str:
    return str(current_app.config["TIMEZONE"])
