"""Who sees and decides which claims: members of the claimant, the bureau of the claim's 旗县 or 盟市 (their
area set by the operator), the operator. One visibility policy, asked by pages and queues."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from techmarket.accounts.models import BureauArea, User
from techmarket.contracts.services import member_org_ids
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.errors import NotFound, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.incentives.claims import workflow as wf
from techmarket.incentives.claims.models import SubsidyClaim
from techmarket.orgs.models import Division


def area_of(session: Session, user_id: int | None) -> Division | None:
    """The division a bureau user reviews for (``None``: not assigned yet)."""
    if user_id is None:
        return None
    row = session.get(BureauArea, user_id)
    return session.get(Division, row.division_code) if row is not None else None


def bureau_level(actor: Actor) -> str | None:
    """``county`` or ``city`` for a science-bureau user (the operator and admins are neither)."""
    if Role.COUNTY_BUREAU in actor.roles:
        return wf.COUNTY
    if Role.CITY_BUREAU in actor.roles:
        return wf.CITY
    return None


def is_reviewer(session: Session, actor: Actor, claim: SubsidyClaim, who: str) -> bool:
    if who == wf.OPERATOR:
        return actor.has(Role.OPERATOR)
    if who == wf.SYSTEM:
        return actor.user_id is None and Role.ADMIN in actor.roles
    if who == wf.CLAIMANT:
        return claim.organisation_id in member_org_ids(session, actor.user_id)
    area = area_of(session, actor.user_id)
    if area is None:
        return False
    if who == wf.COUNTY:
        return Role.COUNTY_BUREAU in actor.roles and claim.division_code == area.code
    return Role.CITY_BUREAU in actor.roles and claim.prefecture_code == area.code


def authorise(session: Session, actor: Actor, claim: SubsidyClaim, who: str) -> None:
    if not is_reviewer(session, actor, claim, who):
        raise PermissionDenied({
            wf.CLAIMANT: _l("Only members of the claiming organisation do this."),
            wf.COUNTY: _l("Only the science bureau of the claimant's county pre-reviews this claim."),
            wf.CITY: _l("Only the science bureau of the claimant's prefecture reviews this claim."),
            wf.OPERATOR: _l("Only the market operator decides this."),
        }.get(who, _l("You may not do this.")))


def can_view(session: Session, actor: Actor, claim: SubsidyClaim) -> bool:
    if actor.has(Role.OPERATOR, Role.REGISTRAR):
        return True
    return any(is_reviewer(session, actor, claim, who) for who in (wf.CLAIMANT, wf.COUNTY, wf.CITY))


def get(session: Session, actor: Actor, claim_id: int) -> SubsidyClaim:
    """The claim if ``actor`` may see it; otherwise the same 404 as a missing one."""
    claim = session.get(SubsidyClaim, claim_id)
    if claim is None or not can_view(session, actor, claim):
        raise NotFound(_l("No such claim."))
    return claim


def roles_of(session: Session, actor: Actor, claim: SubsidyClaim) -> list[str]:
    """The workflow roles ``actor`` holds for ``claim`` (for the buttons a page shows)."""
    return [who for who in (wf.CLAIMANT, wf.COUNTY, wf.CITY, wf.OPERATOR) if is_reviewer(session, actor, claim, who)]


def visible(session: Session, actor: Actor) -> Any:
    """A filter on claims: what ``actor`` may see."""
    if actor.has(Role.OPERATOR, Role.REGISTRAR):
        return SubsidyClaim.id.is_not(None)
    terms: list[Any] = []
    orgs = member_org_ids(session, actor.user_id)
    if orgs:
        terms.append(SubsidyClaim.organisation_id.in_(orgs))
    area = area_of(session, actor.user_id)
    if area is not None and Role.COUNTY_BUREAU in actor.roles:
        terms.append(SubsidyClaim.division_code == area.code)
    if area is not None and Role.CITY_BUREAU in actor.roles:
        terms.append(SubsidyClaim.prefecture_code == area.code)
    return or_(*terms) if terms else false()


QUEUE_STATES = {wf.COUNTY: (wf.Status.COUNTY_REVIEW,), wf.CITY: (wf.Status.CITY_REVIEW,),
                wf.OPERATOR: (wf.Status.OPERATOR_REVIEW, wf.Status.APPROVED, wf.Status.PUBLICITY)}


def queue(session: Session, actor: Actor) -> tuple[str, Select[Any]]:
    """The reviewer's queue, oldest submission first: the county bureau's pre-reviews of its area, the 盟市
    bureau's reviews, the operator's decisions, approvals awaiting publication and publicity."""
    level = wf.OPERATOR if actor.has(Role.OPERATOR) else bureau_level(actor)
    if level is None:
        raise PermissionDenied(_l("Only the science bureaus and the market operator review claims."))
    query = select(SubsidyClaim).where(SubsidyClaim.status.in_([str(s) for s in QUEUE_STATES[level]]))
    if level != wf.OPERATOR:
        area = area_of(session, actor.user_id)
        if area is None:
            raise PermissionDenied(_l("The market operator has not assigned your bureau's area yet."))
        column = SubsidyClaim.division_code if level == wf.COUNTY else SubsidyClaim.prefecture_code
        query = query.where(column == area.code)
    return level, query.order_by(SubsidyClaim.submitted_at.asc(), SubsidyClaim.id.asc())


def assign_area(session: Session, actor: Actor, user: User, division_code: str) -> BureauArea:
    """The operator sets the area a bureau user reviews for: a 旗县 for a county bureau, a 盟市 for a city one."""
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator assigns the bureaus' areas."))
    division = session.get(Division, (division_code or "").strip())
    wanted = "county" if Role.COUNTY_BUREAU in user.roles else "prefecture" if Role.CITY_BUREAU in user.roles else None
    if wanted is None:
        raise ValidationFailed(_l("Give this user the county or prefecture science-bureau role first."))
    if division is None or division.level != wanted:
        msg = (_l("Choose a 旗县 (county-level division).") if wanted == "county"
               else _l("Choose a 盟市 (prefecture-level division)."))
        raise ValidationFailed(msg, field_errors={"division_code": msg})
    row = session.get(BureauArea, user.id)
    before = {"division_code": row.division_code} if row is not None else None
    if row is None:
        row = BureauArea(user_id=user.id, division_code=division.code)
        session.add(row)
    row.division_code = division.code
    session.flush()
    audit.record(session, actor, "claim_bureau_area", user.id, "assign", before, {"division_code": division.code})
    return row
