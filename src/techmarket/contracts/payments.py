"""Payments recorded against instalments with a bank-transfer receipt, confirmed by the market operator.

Online payment comes with the trading issue; this is the offline (bank transfer) path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from techmarket.accounts.notifications import notify
from techmarket.contracts import constants as cat
from techmarket.contracts import documents
from techmarket.contracts.data import money_error
from techmarket.contracts.models import Contract, Instalment, Payment
from techmarket.contracts.services import acting_org_ids, member_org_ids, party_user_ids, require_view
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.db import get_or_not_found
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.events import DomainEvent
from techmarket.core.roles import Role
from techmarket.core.transitions import Transition, transition
from techmarket.core.workflow import Machine, apply

CLOSED = frozenset({cat.Status.REFUSED, cat.Status.RESCINDED, cat.Status.WITHDRAWN, cat.Status.CANCELLED,
                    cat.Status.DRAFT})


def outstanding(contract: Contract, instalment: Instalment) -> Decimal:
    """What is still open on an instalment: its amount less payments confirmed or awaiting confirmation."""
    taken = sum((p.amount for p in contract.payments if p.instalment_id == instalment.id and p.status != "rejected"),
                Decimal(0))
    return instalment.amount - taken


def record(session: Session, actor: Actor, contract: Contract, *, instalment_id: int | None,
           paid_on: dt.date | None, amount: Decimal | None, reference: str, filename: str, stream: BinaryIO,
           instance_path: str, max_bytes: int) -> Payment:
    """A party records a bank transfer against an instalment, with the receipt as evidence."""
    require_view(session, actor, contract)
    if not member_org_ids(session, actor.user_id) & acting_org_ids(contract):
        raise PermissionDenied(_l("Payments are recorded by the parties; the operator confirms them."))
    if contract.status in CLOSED:
        raise Conflict(_l("Payments are recorded for submitted or registered contracts only."))
    instalment = next((i for i in contract.instalments if i.id == instalment_id), None)
    errors: dict[str, object] = {}
    if instalment is None:
        errors["instalment_id"] = _l("Choose the instalment this payment is for.")
    if paid_on is None:
        errors["paid_on"] = _l("Enter the date of the transfer.")
    elif paid_on > local_today():
        errors["paid_on"] = _l("The transfer date cannot be in the future.")
    elif paid_on < contract.signed_on:
        errors["paid_on"] = _l("The transfer date cannot be before the contract was signed.")
    if (msg := money_error(amount)) is not None:
        errors["amount"] = msg
    elif instalment is not None and amount is not None and amount > outstanding(contract, instalment):
        errors["amount"] = _l("The instalment has only %(open)s yuan open.",
                              open=f"{outstanding(contract, instalment):,.2f}")
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    assert instalment is not None and paid_on is not None and amount is not None
    receipt = documents.add(session, actor, contract, "receipt", filename, stream, instance_path=instance_path,
                            max_bytes=max_bytes)
    payment = Payment(contract_id=contract.id, instalment_id=instalment.id, paid_on=paid_on, amount=amount,
                      reference=reference.strip()[:100], document_id=receipt.id, recorded_by_id=actor.user_id)
    contract.payments.append(payment)
    session.flush()
    audit.record(session, actor, "contract_payment", payment.id, "record", None,
                 {"contract_id": contract.id, "instalment": instalment.seq, "amount": amount, "paid_on": paid_on})
    return payment


def require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator confirms payments."))


def pending(actor: Actor) -> Select[Any]:
    """Payments waiting for the operator's confirmation, oldest first, with their contracts."""
    require_operator(actor)
    return (select(Payment).options(joinedload(Payment.contract)).where(Payment.status == "pending")
            .order_by(Payment.recorded_at.asc(), Payment.id.asc()))


def get(session: Session, payment_id: int) -> Payment:
    return get_or_not_found(session, Payment, payment_id, _l("No such payment."))


PAYMENT_TRANSITIONS: tuple[Transition, ...] = (
    transition("confirm", {"pending"}, "confirmed", "operator", "confirmed"),
    transition("reject", {"pending"}, "rejected", "operator", "rejected"),
)


def _authorise(session: Session, actor: Actor, payment: Payment, who: str) -> None:
    require_operator(actor)


def _guard_reject(session: Session, actor: Actor, payment: Payment, data: Mapping[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise ValidationFailed(_l("Say why the payment is not confirmed."),
                               field_errors={"note": _l("Say why the payment is not confirmed.")})


def _on_decide(session: Session, actor: Actor, payment: Payment, data: Mapping[str, Any]) -> None:
    payment.note = str(data.get("reason") or "").strip()[:2000]
    payment.decided_by_id, payment.decided_at = actor.user_id, utcnow()


def _snapshot(payment: Payment) -> dict[str, Any]:
    return {"status": payment.status, "note": payment.note, "amount": payment.amount,
            "contract_id": payment.contract_id}


_DECIDED = Conflict(_l("This payment was already decided. Reload to see its state."))
MACHINE: Machine[Payment] = Machine(
    name="contract_payment",
    transitions=tuple(replace(t, guard=_guard_reject if t.action == "reject" else None, effect=_on_decide)
                      for t in PAYMENT_TRANSITIONS),
    authorise=_authorise, snapshot=_snapshot,
    not_possible=lambda payment, action: _DECIDED, stale=lambda payment: _DECIDED,
)


def decide(session: Session, actor: Actor, payment: Payment, *, confirm: bool, note: str = "",
           expected_version: int | None = None) -> Payment:
    """The operator confirms a payment against its receipt, or rejects it with a reason."""
    apply(session, actor, MACHINE, payment, "confirm" if confirm else "reject", expected_version=expected_version,
          reason=note)
    return payment


def tell_parties(session: Session, event: DomainEvent) -> None:
    """Listener: the parties hear that their payment was confirmed or rejected."""
    payment: Payment = event.subject
    contract = session.get(Contract, payment.contract_id)
    assert contract is not None
    notify(session, party_user_ids(session, contract), f"payment_{event.verb}",
           {"title": contract.title, "amount": f"{payment.amount:,.2f}", "reason": (payment.note or "")[:300]},
           "contracts.detail", contract_id=contract.id)


def record_online(session: Session, actor: Actor, contract_id: int, instalment_id: int, *, amount: Decimal,
                  reference: str, paid_on: dt.date) -> Payment:
    """A payment the payment gateway took for an instalment: recorded and confirmed at once (the gateway's
    record is the evidence, so no receipt). Called by the payments domain, above, with a system actor; the
    statement's post-subsidy reads it like any confirmed transfer."""
    require_operator(actor)
    contract = get_or_not_found(session, Contract, contract_id, _l("No such contract."))
    instalment = next((i for i in contract.instalments if i.id == instalment_id), None)
    if instalment is None:
        raise ValidationFailed(_l("Choose the instalment this payment is for."))
    payment = Payment(contract_id=contract.id, instalment_id=instalment.id, paid_on=paid_on, amount=amount,
                      reference=reference.strip()[:100], document_id=None, recorded_by_id=actor.user_id)
    contract.payments.append(payment)
    session.flush()
    audit.record(session, actor, "contract_payment", payment.id, "record", None,
                 {"contract_id": contract.id, "instalment": instalment.seq, "amount": amount, "paid_on": paid_on,
                  "reference": payment.reference})
    return decide(session, actor, payment, confirm=True, note="")
