"""Read side of the organisation domain."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib.resources import files

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from techmarket.accounts.models import User
from techmarket.orgs.constants import OrgStatus
from techmarket.orgs.models import Division, Invitation, Membership, Organisation


@dataclass(frozen=True)
class MarketFigures:
    organisations: int
    verified: int
    members: int
    leagues_covered: int


def market_figures(session: Session) -> MarketFigures:
    orgs, verified = session.execute(
        select(func.count(), func.count().filter(Organisation.status == OrgStatus.VERIFIED))
    ).one()
    users = session.scalar(select(func.count()).select_from(User).where(User.active.is_(True))) or 0
    leagues = session.scalar(
        select(func.count(func.distinct(func.coalesce(Division.parent_code, Division.code))))
        .select_from(Organisation).join(Division)
        .where(Organisation.status == OrgStatus.VERIFIED, Division.level != "province")
    ) or 0
    return MarketFigures(orgs, verified, users, leagues)


def orgs_of_user(session: Session, user_id: int) -> list[tuple[Organisation, str]]:
    rows = session.execute(
        select(Organisation, Membership.role).join(Membership)
        .where(Membership.user_id == user_id).order_by(Organisation.name)
    ).all()
    return [(org, role) for org, role in rows]


def members(session: Session, org_id: int) -> list[Membership]:
    return list(session.scalars(
        select(Membership).where(Membership.organisation_id == org_id).order_by(Membership.joined_at)
    ))


def open_invitations(session: Session, org_id: int) -> list[Invitation]:
    return list(session.scalars(
        select(Invitation).where(Invitation.organisation_id == org_id, Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None)).order_by(Invitation.created_at.desc())
    ))


def invitations_for_email(session: Session, email: str) -> list[Invitation]:
    return list(session.scalars(
        select(Invitation).where(func.lower(Invitation.email) == email.lower(),
                                 Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    ))


def queue(status: str | None, q: str | None) -> Select:
    stmt = select(Organisation)
    if status:
        stmt = stmt.where(Organisation.status == status)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Organisation.name.ilike(like), Organisation.credit_code.ilike(like)))
    return stmt.order_by(Organisation.created_at.asc() if status == OrgStatus.PENDING
                         else Organisation.created_at.desc())


def division_choices(session: Session) -> dict[str, list[tuple[str, str]]]:
    """Leagues/cities with their banners/counties, for a grouped select (WTForms takes groups as a dict)."""
    rows = session.scalars(select(Division).where(Division.level != "province").order_by(Division.code)).all()
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for d in rows:
        if d.level == "prefecture":
            names[d.code] = d.label
            groups.setdefault(d.code, []).insert(0, (d.code, _("%(name)s (the whole league or city)", name=d.label)))
        else:
            marker = "" if d.in_gbt2260 else " *"
            groups.setdefault(d.parent_code or "", []).append((d.code, f"{d.name}{marker}"))
    return {names.get(code, code): options for code, options in groups.items()}


def division_rows() -> list[dict[str, str]]:
    """The packaged division table (NBS 2023 codes)."""
    text = files("techmarket.orgs").joinpath("data/inner_mongolia_divisions.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))
