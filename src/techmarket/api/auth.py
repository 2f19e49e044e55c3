"""Who is calling ``/api/v1``: the token of ``Authorization: Bearer tm_…``, or nobody (anonymous reads).

A token that is unknown, expired or revoked is a 401 (never a silent anonymous answer); a token without the
scope an operation needs is a 403 naming the scope.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g
from flask_babel import lazy_gettext as _l

from techmarket.accounts.api_tokens import ApiToken
from techmarket.api import tokens
from techmarket.api.ratelimit import presented_token
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.errors import DomainError, PermissionDenied
from techmarket.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def current_token() -> ApiToken | None:
    if "api_token" not in g:
        secret = presented_token()
        token = tokens.verify(db.session, secret) if secret else None
        if secret and token is None:
            raise Unauthorized(_l("The token is unknown, expired or revoked."))
        if token is not None:
            db.session.commit()  # its last use
        g.api_token = token
    return g.api_token  # type: ignore[no-any-return]


def current_actor() -> Actor:
    token = current_token()
    return tokens.actor_of(token) if token is not None else ANONYMOUS


def require(scope: str) -> ApiToken:
    token = current_token()
    if token is None:
        raise Unauthorized(_l("This operation needs a token (Authorization: Bearer …)."))
    if not token.allows(scope):
        raise PermissionDenied(_l("This token lacks the scope %(scope)s.", scope=scope))
    return token


def needs(scope: str) -> Callable[[F], F]:
    """Check the token and its scope before the body or the parameters are read (placed under ``@bp.route``)."""
    def decorate(func: F) -> F:
        @wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require(scope)
            return func(*args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorate
