"""What the incentives domain does when a contract changes after registration (registered by create_app)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.contracts.listeners import HISTORY
from techmarket.contracts.models import Contract
from techmarket.contracts.services import party_org_ids
from techmarket.core import events
from techmarket.core.events import DomainEvent
from techmarket.incentives.models import Statement, StatementFlag


def flag_statements(session: Session, event: DomainEvent) -> None:
    """Saved statements that used an amended or rescinded contract are flagged for review (their snapshots stay
    as saved)."""
    contract: Contract = event.subject
    orgs = party_org_ids(contract)
    if not orgs:
        return
    for statement in session.scalars(select(Statement).where(Statement.organisation_id.in_(orgs))):
        if contract.id in (statement.contract_ids or []):
            session.add(StatementFlag(statement_id=statement.id, contract_id=contract.id, action=HISTORY[event.verb],
                                      reason=str(event.data.get("reason") or "")[:2000]))


def register() -> None:
    events.on("contract.amended", flag_statements)
    events.on("contract.rescinded", flag_statements)
