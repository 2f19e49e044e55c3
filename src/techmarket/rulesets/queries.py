"""Read side of the rule-set domain: current versions, version history, saved calculations."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from techmarket.orgs.models import Membership
from techmarket.policy import DEFAULT_RULE_SETS
from techmarket.rulesets.models import RuleSetVersion, SavedCalculation


def current_versions(session: Session) -> list[RuleSetVersion]:
    """The newest version of every stored rule set, by name."""
    newest = (select(RuleSetVersion.name, func.max(RuleSetVersion.version).label("version"))
              .group_by(RuleSetVersion.name).subquery())
    return list(session.scalars(
        select(RuleSetVersion)
        .join(newest, (RuleSetVersion.name == newest.c.name) & (RuleSetVersion.version == newest.c.version))
        .order_by(RuleSetVersion.name)
    ))


def versions(session: Session, name: str) -> list[RuleSetVersion]:
    """All versions of ``name``, newest first."""
    return list(session.scalars(
        select(RuleSetVersion).where(RuleSetVersion.name == name).order_by(RuleSetVersion.version.desc())
    ))


def version(session: Session, name: str, number: int) -> RuleSetVersion | None:
    return session.scalar(select(RuleSetVersion).where(RuleSetVersion.name == name,
                                                       RuleSetVersion.version == number))


def titles(session: Session) -> dict[str, tuple[str, str]]:
    """``name -> (title_zh, title_en)`` of every rule set (stored or shipped)."""
    found = {rs.name: (rs.title_zh, rs.title_en) for rs in DEFAULT_RULE_SETS}
    found.update({row.name: (row.title_zh, row.title_en) for row in current_versions(session)})
    return found


def saved_list(user_id: int | None, *, everything: bool) -> Select:
    """Saved calculations, newest first: of the user's organisations, or ``everything`` (staff)."""
    stmt = select(SavedCalculation).order_by(SavedCalculation.created_at.desc(), SavedCalculation.id.desc())
    if not everything:
        mine = select(Membership.organisation_id).where(Membership.user_id == user_id)
        stmt = stmt.where(SavedCalculation.organisation_id.in_(mine))
    return stmt


def saved(session: Session, saved_id: int) -> SavedCalculation | None:
    return session.get(SavedCalculation, saved_id)
