"""Who acts for whom in challenges: organisation memberships, posters, leads, operators and experts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.models import UserRole
from techmarket.challenges.models import Application, Call
from techmarket.core.actor import Actor
from techmarket.core.errors import PermissionDenied
from techmarket.core.roles import Role
from techmarket.orgs.models import Membership, Organisation


def org_ids_of(session: Session, actor: Actor) -> set[int]:
    if actor.user_id is None:
        return set()
    return set(session.scalars(select(Membership.organisation_id).where(Membership.user_id == actor.user_id)))


def verified_orgs_of(session: Session, actor: Actor) -> list[Organisation]:
    if actor.user_id is None:
        return []
    return list(session.scalars(select(Organisation).join(Membership).where(
        Membership.user_id == actor.user_id, Organisation.status == "verified").order_by(Organisation.name)))


def member_ids(session: Session, *org_ids: int) -> set[int]:
    if not org_ids:
        return set()
    return set(session.scalars(select(Membership.user_id).where(Membership.organisation_id.in_(org_ids))))


def operator_ids(session: Session) -> set[int]:
    return set(session.scalars(select(UserRole.user_id).where(UserRole.role == Role.OPERATOR.value)))


def expert_ids(session: Session) -> set[int]:
    return set(session.scalars(select(UserRole.user_id).where(UserRole.role == Role.EXPERT.value)))


def require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator decides this."))


def is_poster(session: Session, actor: Actor, call: Call) -> bool:
    return actor.is_operator or call.poster_org_id in org_ids_of(session, actor)


def require_poster(session: Session, actor: Actor, call: Call) -> None:
    if not is_poster(session, actor, call):
        raise PermissionDenied(_l("Only the organisation that posted this call may do this."))


def is_lead(session: Session, actor: Actor, app: Application) -> bool:
    return app.lead_org_id in org_ids_of(session, actor)


def require_lead(session: Session, actor: Actor, app: Application) -> None:
    if not is_lead(session, actor, app):
        raise PermissionDenied(_l("Only members of the lead organisation may do this."))


def is_applicant(session: Session, actor: Actor, app: Application) -> bool:
    return bool(app.org_ids & org_ids_of(session, actor))
