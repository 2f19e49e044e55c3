"""Flask-Login glue: sessions and remember-me cookies carry ``<id>:<auth_version>:<sign-in token>``."""

from __future__ import annotations

from techmarket.accounts import logins
from techmarket.accounts.models import User
from techmarket.extensions import db


def load_user(ident: str) -> User | None:
    return logins.load(db.session, ident)
