"""The bounty's money on an awarded application: what the poster funded, what was released to the winner, what
the platform holds, and what is free to release. Read by the project page and by the milestone machine, whose
acceptance releases a milestone's part only out of confirmed, not yet committed funding."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.challenges.models import Application, Milestone, Transfer


@dataclass(frozen=True)
class Funding:
    bounty: Decimal
    funded: Decimal  # confirmed funding
    released: Decimal  # confirmed releases
    funding_pending: Decimal
    release_pending: Decimal  # releases recorded, awaiting the operator's confirmation

    @property
    def held(self) -> Decimal:
        """Funded and not yet paid out: the platform holds it."""
        return self.funded - self.released

    @property
    def available(self) -> Decimal:
        """What a newly accepted milestone may still be released from: held, less releases already recorded."""
        return self.held - self.release_pending


def milestones_of(session: Session, app: Application) -> list[Milestone]:
    return list(session.scalars(select(Milestone).where(Milestone.application_id == app.id)
                                .order_by(Milestone.seq)))


def transfers_of(session: Session, app: Application) -> list[Transfer]:
    return list(session.scalars(select(Transfer).where(Transfer.application_id == app.id).order_by(Transfer.id)))


def funding(session: Session, app: Application) -> Funding:
    rows = transfers_of(session, app)
    total = {(k, s): sum((t.amount for t in rows if t.kind == k and t.status == s), Decimal(0))
             for k in ("fund", "release") for s in ("confirmed", "recorded")}
    bounty = sum((m.amount for m in milestones_of(session, app)), Decimal(0)) or app.call.bounty
    return Funding(bounty=bounty, funded=total[("fund", "confirmed")], released=total[("release", "confirmed")],
                   funding_pending=total[("fund", "recorded")], release_pending=total[("release", "recorded")])
