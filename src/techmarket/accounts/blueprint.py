"""The account blueprint: its URL table (the handlers are in views/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.accounts.views import passwords, profile, sessions, signup

bp = Blueprint("accounts", __name__, url_prefix="/account")

URLS: tuple[tuple[str, Callable[..., Any], list[str]], ...] = (
    ("/register", signup.register, ["GET", "POST"]),
    ("/confirm/<token>", signup.confirm, ["GET"]),
    ("/confirm/resend", signup.resend_confirmation, ["POST"]),
    ("/login", sessions.login, ["GET", "POST"]),
    ("/logout", sessions.logout, ["POST"]),
    ("/sign-out-everywhere", sessions.sign_out_everywhere, ["POST"]),
    ("/forgot", passwords.forgot_password, ["GET", "POST"]),
    ("/reset/<token>", passwords.reset_password, ["GET", "POST"]),
    ("/", profile.profile, ["GET", "POST"]),
    ("/password", passwords.change_password, ["GET", "POST"]),
)

for _rule, _view, _methods in URLS:
    bp.add_url_rule(_rule, _view.__name__, _view, methods=_methods)
