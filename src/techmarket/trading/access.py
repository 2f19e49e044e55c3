"""Who acts for whom in trading: organisation memberships, the sides of a thread, the operators."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.models import UserRole
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
    return set(session.scalars(select(Membership.user_id).where(Membership.organisation_id.in_(org_ids))))


def operator_ids(session: Session) -> set[int]:
    return set(session.scalars(select(UserRole.user_id).where(UserRole.role == Role.OPERATOR.value)))


def require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator decides this."))


def require_system(actor: Actor) -> None:
    if not actor.has(Role.ADMIN):
        raise PermissionDenied(_l("This step is taken by the system."))


def buying_org(session: Session, actor: Actor, org_id: int | None, seller_org_id: int) -> Organisation:
    """The verified organisation the actor buys for; never the seller itself."""
    if org_id == seller_org_id or (org_id is None and seller_org_id in org_ids_of(session, actor)):
        raise PermissionDenied(_l("You cannot make an offer on or register for your own organisation's "
                                  "achievement."))
    orgs = [o for o in verified_orgs_of(session, actor) if o.id != seller_org_id]
    chosen = next((o for o in orgs if o.id == org_id), None) if org_id is not None else (orgs[0] if orgs else None)
    if chosen is None:
        raise PermissionDenied(_l("Only members of a verified organisation can trade. Ask the operator to verify "
                                  "your organisation first."))
    return chosen


def org_problems(session: Session, org_id: int, seller_org_id: int, related_codes: set[str]) -> list[Any]:
    """Why an organisation does not qualify to buy (资格审查; empty: it does): verified, not the seller, not a
    related party the seller declared. 挂牌 registrations and auction bidders are checked alike."""
    org = session.get(Organisation, org_id)
    problems: list[Any] = []
    if org is None or not org.is_verified:
        problems.append(_l("The organisation is not verified."))
    if org is not None and org.id == seller_org_id:
        problems.append(_l("The organisation is the seller."))
    if org is not None and (org.credit_code or "").upper() in related_codes:
        problems.append(_l("The seller declared the organisation a related party."))
    return problems
