"""What the request itself says about the visitor, answered without loading anyone."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login.config import COOKIE_NAME


def may_be_signed_in() -> bool:
    """False when the request carries nothing Flask-Login signs a user in from: no user id in the session and
    no remember-me cookie. ``current_user`` is then certainly anonymous, and asking it would only cost work
    (Flask-Login hashes the client's address and agent for session protection on every load). True means:
    ask ``current_user``. The site has no request or header loader; one added would have to be reflected here.
    """
    if session.get("_user_id") is not None:
        return True
    return current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
