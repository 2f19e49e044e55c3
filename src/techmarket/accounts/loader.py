"""Flask-Login glue: sessions carry ``<id>:<auth_version>``."""

from __future__ import annotations

from techmarket.accounts.models import User
from techmarket.extensions import db


def load_user(ident: str) -> User | None:
    user_id, _, version = ident.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.auth_version != int(version):
        return None
    return user
