"""Revocable sign-ins: the server decides how long a session or remember-me cookie works.

Flask keeps the session in a signed cookie, and a remember-me cookie is signed too, so neither can be taken
back by the browser forgetting it: a copy made before signing out would still work. Each sign-in therefore
gets a random token, stored here only as its SHA-256 and put into Flask-Login's id (``User.get_id``), which
lands in both cookies. A request is signed in only while its sign-in row exists and has not expired: signing
out deletes the row, "sign out everywhere", a password change or reset and deactivation delete them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache
from typing import Any, cast

from sqlalchemy import CursorResult, Select, bindparam, delete, func, select
from sqlalchemy.orm import Session, joinedload

from techmarket.accounts.models import User, UserLogin
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, user: User, lifetime: dt.timedelta) -> str:
    """Record a new sign-in of ``user`` lasting at most ``lifetime``; ``user.get_id()`` then carries it."""
    now = utcnow()
    session.execute(delete(UserLogin).where(UserLogin.user_id == user.id, UserLogin.expires_at <= now))
    token = secrets.token_urlsafe(32)
    session.add(UserLogin(user_id=user.id, token_hash=_digest(token), created_at=now, expires_at=now + lifetime))
    session.flush()
    user.login_token = token
    return token


@cache
def _signed_in() -> Select[Any]:
    """The user of a live sign-in with its roles (parameters ``user_id``, ``token_hash``, ``now``)."""
    return (select(User).join(UserLogin, UserLogin.user_id == User.id).options(joinedload(User.role_rows))
            .where(User.id == bindparam("user_id"), UserLogin.token_hash == bindparam("token_hash"),
                   UserLogin.expires_at > bindparam("now")))


def load(session: Session, ident: str) -> User | None:
    """The signed-in user for a Flask-Login id ``<user id>:<auth version>:<token>``, or None when the sign-in
    was ended, has expired, or the account was deactivated or its password changed since."""
    user_id, _, rest = ident.partition(":")
    version, _, token = rest.partition(":")
    if not user_id.isdigit() or not version.isdigit() or not token:
        return None
    # Every signed-in request comes here: the user, the sign-in row and the roles in one statement (built once).
    user = session.scalars(_signed_in(), {"user_id": int(user_id), "token_hash": _digest(token),
                                          "now": utcnow()}).unique().first()
    if user is None or not user.active or user.auth_version != int(version):
        return None
    user.login_token = token
    return user


def end(session: Session, user: User) -> None:
    """Sign out this sign-in only: its session and remember-me cookies stop working everywhere."""
    if user.login_token:
        session.execute(delete(UserLogin).where(UserLogin.user_id == user.id,
                                                UserLogin.token_hash == _digest(user.login_token)))
        user.login_token = None
        session.flush()


def end_all(session: Session, user: User) -> None:
    """Every sign-in of ``user`` ends (password change or reset, deactivation)."""
    session.execute(delete(UserLogin).where(UserLogin.user_id == user.id))
    user.login_token = None
    user.auth_version += 1
    session.flush()


def sign_out_everywhere(session: Session, actor: Actor, user: User) -> None:
    end_all(session, user)
    audit.record(session, actor, "user", user.id, "sign_out_everywhere", None, None)


def active_count(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(UserLogin).where(
        UserLogin.user_id == user.id, UserLogin.expires_at > utcnow())) or 0


def prune(session: Session) -> int:
    """Delete sign-ins past their end (they already open nothing); the number deleted."""
    result = cast(CursorResult[Any], session.execute(delete(UserLogin).where(UserLogin.expires_at <= utcnow())))
    return result.rowcount or 0
