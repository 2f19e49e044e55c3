"""Making, checking and revoking API tokens (the model: :mod:`techmarket.accounts.api_tokens`).

A personal token acts for its user in every organisation the user belongs to; an organisation token is made
by a member for one organisation and acts there only (and stops working when its maker leaves it). Through
a token the actor is the token's user, labelled with the token's id, so every write it makes is in the audit
chain as ``… via API token #N``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from techmarket.accounts.api_tokens import SCOPES, ApiToken, digest, new_secret
from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import NotFound, PermissionDenied, ValidationFailed
from techmarket.orgs.models import Membership, Organisation
from techmarket.orgs.services import membership

MAX_DAYS = 366
TOUCH_EVERY = dt.timedelta(minutes=1)  # last use is written at most this often


def create(session: Session, actor: Actor, user: User, *, name: str, scopes: Iterable[str],
           days: int | None, organisation: Organisation | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user`` (the actor, or staff acting for them); returns it and its secret (shown once)."""
    if actor.user_id != user.id:
        raise PermissionDenied(_l("You can only make tokens for yourself."))
    wanted = sorted({s for s in scopes if s})
    errors: dict[str, str] = {}
    name = name.strip()
    if not name or len(name) > 100:
        errors["name"] = str(_l("Give the token a name of up to 100 characters."))
    if not wanted or any(s not in SCOPES for s in wanted):
        errors["scopes"] = str(_l("Choose at least one of the listed scopes."))
    if days is not None and not 1 <= days <= MAX_DAYS:
        errors["days"] = str(_l("A token lasts from 1 to 366 days."))
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    if organisation is not None and membership(session, organisation.id, user.id) is None:
        raise PermissionDenied(_l("You can only make tokens for an organisation you belong to."))
    secret = new_secret()
    token = ApiToken(user_id=user.id, organisation_id=organisation.id if organisation else None, name=name,
                     prefix=secret[:10], token_hash=digest(secret), scopes=" ".join(wanted),
                     expires_at=utcnow() + dt.timedelta(days=days) if days else None)
    session.add(token)
    session.flush()
    audit.record(session, actor, "api_token", token.id, "create", None,
                 {"name": name, "scopes": wanted, "organisation_id": token.organisation_id,
                  "expires_at": token.expires_at})
    return token, secret


def revoke(session: Session, actor: Actor, token: ApiToken) -> None:
    if token.user_id != actor.user_id and not actor.is_operator:
        raise NotFound(_l("There is no such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
        audit.record(session, actor, "api_token", token.id, "revoke", None, {"name": token.name})


def of_user(session: Session, user_id: int) -> Sequence[ApiToken]:
    return session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())).all()


def verify(session: Session, secret: str) -> ApiToken | None:
    """The usable token with this secret (its last use noted), or None."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or not token.usable():
        return None
    if token.organisation_id is not None and membership(session, token.organisation_id, token.user_id) is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                        .execution_options(synchronize_session=False))
        token.last_used_at = now
    return token


def actor_of(token: ApiToken) -> Actor:
    base = actor_for(token.user)
    return Actor(user_id=base.user_id, label=f"{base.label} via API token #{token.id}", roles=base.roles)


def organisation_of(session: Session, token: ApiToken, organisation_id: int | None) -> Organisation:
    """The organisation a write through ``token`` is for: the organisation token's own, else the one named (or
    the user's only organisation)."""
    if token.organisation_id is not None:
        if organisation_id not in (None, token.organisation_id):
            raise PermissionDenied(_l("This organisation token acts for its own organisation only."))
        org = session.get(Organisation, token.organisation_id)
    elif organisation_id is not None:
        org = session.get(Organisation, organisation_id)
        if org is None or membership(session, org.id, token.user_id) is None:
            raise PermissionDenied(_l("You can only post for an organisation you belong to."))
    else:
        from_memberships = member_organisations(session, token.user_id)
        if len(from_memberships) != 1:
            raise ValidationFailed(_l("Name the organisation (organisation_id): you belong to several or none."),
                                   field_errors={"organisation_id": {"code": "required",
                                                                     "message": str(_l("This field is required."))}})
        org = from_memberships[0]
    if org is None:
        raise NotFound(_l("There is no such organisation."))
    return org


def member_organisations(session: Session, user_id: int) -> Sequence[Organisation]:
    return session.scalars(select(Organisation).join(Membership).where(Membership.user_id == user_id)
                           .order_by(Organisation.id)).all()
