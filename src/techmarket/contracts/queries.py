"""Read side of the contract domain: a person's contracts and the registrar's queue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from techmarket.contracts import constants as cat
from techmarket.contracts.models import Contract, ContractParty
from techmarket.orgs.models import Membership


def of_user(user_id: int, status: str | None = None) -> Select:
    """Contracts in which an organisation of the user is a party, newest first."""
    orgs = select(Membership.organisation_id).where(Membership.user_id == user_id)
    ids = select(ContractParty.contract_id).where(ContractParty.organisation_id.in_(orgs))
    stmt = select(Contract).where(Contract.id.in_(ids))
    if status:
        stmt = stmt.where(Contract.status == status)
    return stmt.order_by(Contract.updated_at.desc(), Contract.id.desc())


def queue(status: str | None = None) -> Select:
    """Contracts waiting for a registrar, the nearest deadline first."""
    states = [status] if status in cat.IN_REVIEW else [s.value for s in cat.IN_REVIEW]
    return select(Contract).where(Contract.status.in_(states)).order_by(
        Contract.review_due_on.asc(), Contract.submitted_at.asc(), Contract.id.asc())


@dataclass(frozen=True)
class ContractFigures:
    registered: int
    technical_amount: Decimal


def registered_figures(session: Session) -> ContractFigures:
    """Registered contracts and their technical transaction amount (the home page figures)."""
    count, total = session.execute(select(func.count(Contract.id), func.sum(Contract.technical_amount)).where(
        Contract.status == cat.Status.REGISTERED.value)).one()
    return ContractFigures(count or 0, Decimal(str(total or 0)).quantize(Decimal("0.01")))

