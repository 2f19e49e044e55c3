"""Read side of the contract domain: a person's contracts and the registrar's queue."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from techmarket.contracts import catalogue as cat
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


def registered_count(session: Session) -> int:
    """Registered contracts (the home page figure)."""
    return session.scalar(select(func.count(Contract.id)).where(
        Contract.status == cat.Status.REGISTERED.value)) or 0
