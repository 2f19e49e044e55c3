"""Payments: start one through a gateway, follow what the gateway reports, receipts and the operator's decision,
capture, release and refund. Every step goes through :func:`techmarket.core.workflow.apply` (one audit entry and
one ``payment.<event>`` per money movement)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from techmarket.core import audit, uploads
from techmarket.core.actor import Actor
from techmarket.core.db import get_or_not_found
from techmarket.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.core.workflow import Machine, apply
from techmarket.payments import workflow
from techmarket.payments.gateway import GatewayPayment, PaymentDeclined, PaymentGateway
from techmarket.payments.models import LIVE, MarketPayment, PaymentReceipt

log = logging.getLogger(__name__)

PURPOSES = ("deposit", "instalment")
MAX_RECEIPTS = 5


def gateway_actor(gateway_name: str) -> Actor:
    """Who takes the steps a gateway reports: the system, named after the gateway in the audit log."""
    return Actor.system(f"gateway:{gateway_name}")


def _authorise(session: Session, actor: Actor, payment: MarketPayment, who: str) -> None:
    if who == workflow.GATEWAY and actor.user_id is None and actor.has(Role.ADMIN):
        return
    if who == workflow.OPERATOR and actor.has(Role.OPERATOR):
        return
    if who == workflow.PAYER and actor.user_id is not None and actor.user_id == payment.payer_id:
        return
    raise PermissionDenied(_l("You may not take this step on this payment."))


def _snapshot(payment: MarketPayment) -> dict[str, Any]:
    return {"status": payment.status, "amount": payment.amount, "purpose": payment.purpose,
            "subject_id": payment.subject_id, "gateway": payment.gateway, "reference": payment.gateway_reference}


def _effect(session: Session, actor: Actor, payment: MarketPayment, data: Mapping[str, Any]) -> dict[str, Any]:
    payment.live_key = live_key(payment.purpose, payment.subject_id) if payment.status in LIVE else None
    reason = str(data.get("reason") or "").strip()
    if payment.status == "failed" and reason:
        payment.failure = reason[:2000]
    if data.get("refund_reference"):
        payment.refund_reference = str(data["refund_reference"]).strip()[:100]
    extra = {k: str(data[k]) for k in ("receipt", "sha256") if data.get(k)}
    if payment.status == "refunded":
        extra["refund_reference"] = payment.refund_reference
    return extra


def _guard_reject(session: Session, actor: Actor, payment: MarketPayment, data: Mapping[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        msg = _l("Say why the transfer is not confirmed.")
        raise ValidationFailed(msg, field_errors={"reason": msg})


def _rows() -> tuple[Any, ...]:
    return tuple(replace(t, effect=_effect, guard=_guard_reject if t.action == "reject" else None)
                 for t in workflow.TRANSITIONS)


MACHINE: Machine[MarketPayment] = Machine(
    name="payment", transitions=_rows(), authorise=_authorise, snapshot=_snapshot,
    not_possible=lambda payment, action: Conflict(_l("This payment is %(status)s; that step is no longer possible.",
                                                     status=payment.status)),
)


def live_key(purpose: str, subject_id: int) -> str:
    return f"{purpose}:{subject_id}"


def get(session: Session, payment_id: int) -> MarketPayment:
    return get_or_not_found(session, MarketPayment, payment_id, _l("No such payment."))


def live_for(session: Session, purpose: str, subject_id: int) -> MarketPayment | None:
    """The payment holding this subject (in progress or paid), if any."""
    return session.scalar(select(MarketPayment).where(MarketPayment.live_key == live_key(purpose, subject_id)))


def start(session: Session, actor: Actor, gateway: PaymentGateway, *, purpose: str, subject_id: int,
          amount: Decimal, hold: bool = False, payment_method: str | None = None, contract_id: int | None = None,
          metadata: Mapping[str, str] | None = None) -> tuple[MarketPayment, GatewayPayment | None]:
    """Start paying ``amount`` for a subject. A subject already paid or being paid is refused (a deposit paid
    twice). A declined card leaves a ``failed`` payment (returned, not raised: the attempt is on record)."""
    if actor.user_id is None:
        raise PermissionDenied(_l("Sign in to pay."))
    if purpose not in PURPOSES:
        raise ValidationFailed(_l("Unknown payment purpose."))
    if amount <= 0:
        raise ValidationFailed(_l("Nothing is due."))
    if live_for(session, purpose, subject_id) is not None:
        raise Conflict(_l("This is already paid or being paid; see the payment in progress."))
    payment = MarketPayment(purpose=purpose, subject_id=subject_id, contract_id=contract_id, amount=amount,
                            gateway=gateway.name, hold=hold, status="pending", payer_id=actor.user_id,
                            live_key=live_key(purpose, subject_id))
    session.add(payment)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(_l("This is already paid or being paid; see the payment in progress.")) from exc
    audit.record(session, actor, "payment", payment.id, "start", None, _snapshot(payment))
    try:
        result = gateway.create(amount, hold=hold, payment_method=payment_method, metadata={
            "payment_id": str(payment.id), "purpose": purpose, "subject_id": str(subject_id), **(metadata or {})})
    except PaymentDeclined as exc:
        follow(session, gateway.name, payment, "failed", reason=str(exc.message))
        return payment, None
    payment.gateway_reference = result.reference
    follow(session, gateway.name, payment, result.status, reason=result.failure)
    return payment, result


def follow(session: Session, gateway_name: str, payment: MarketPayment, status: str, *, reason: str = "",
           **data: Any) -> bool:
    """Bring the payment to the status the gateway reports; False when it is there already or cannot go there
    (an event out of order: logged, nothing changed)."""
    if payment.status == status:
        return False
    action = workflow.TOWARD.get(status, {}).get(payment.status)
    if action is None:
        log.warning("payment %s is %s; the gateway reports %s: ignored", payment.id, payment.status, status)
        return False
    apply(session, gateway_actor(gateway_name), MACHINE, payment, action, reason=reason, **data)
    return True


def upload_receipt(session: Session, actor: Actor, payment: MarketPayment, filename: str, stream: BinaryIO, *,
                   instance_path: str, max_bytes: int) -> PaymentReceipt:
    """The payer of a bank transfer uploads the bank's receipt (checked and stored like contract documents)."""
    if payment.gateway != "offline":
        raise Conflict(_l("Receipts are for bank transfers."))
    if len(payment.receipts) >= MAX_RECEIPTS:
        raise ValidationFailed(_l("At most %(n)d receipts.", n=MAX_RECEIPTS))
    _authorise(session, actor, payment, workflow.PAYER)
    stored = uploads.store(filename, stream, instance_path=instance_path, max_bytes=max_bytes)
    receipt = PaymentReceipt(payment_id=payment.id, filename=stored.filename, content_type=stored.content_type,
                             size=stored.size, sha256=stored.sha256, uploaded_by_id=actor.user_id)
    payment.receipts.append(receipt)
    apply(session, actor, MACHINE, payment, "upload_receipt", receipt=stored.filename, sha256=stored.sha256)
    return receipt


def decide_transfer(session: Session, actor: Actor, payment: MarketPayment, *, confirm: bool, reason: str = "",
                    expected_version: int | None = None) -> MarketPayment:
    """The operator confirms a bank transfer against its receipt and the account, or rejects it with a reason."""
    if payment.gateway != "offline":
        raise Conflict(_l("Only bank transfers are confirmed by the operator."))
    if confirm and not payment.receipts:
        raise Conflict(_l("No receipt has been uploaded for this transfer yet."))
    apply(session, actor, MACHINE, payment, "confirm" if confirm else "reject", expected_version=expected_version,
          reason=reason)
    return payment


def _require_money_staff(actor: Actor) -> None:
    if not (actor.has(Role.OPERATOR) or (actor.user_id is None and actor.has(Role.ADMIN))):
        raise PermissionDenied(_l("Only the market operator moves money back."))


def capture(session: Session, actor: Actor, gateway: PaymentGateway, payment: MarketPayment) -> MarketPayment:
    """Take a held amount (a winner's deposit that counts toward the price)."""
    _require_money_staff(actor)
    if payment.status != "authorised":
        raise Conflict(_l("Only a held amount can be captured."))
    result = gateway.capture(_reference(payment))
    follow(session, gateway.name, payment, result.status)
    return payment


def give_back(session: Session, actor: Actor, gateway: PaymentGateway, payment: MarketPayment, *,
              refund_reference: str = "") -> MarketPayment:
    """Release a hold, or refund what was taken (a bank transfer: the operator's transfer back, its reference)."""
    _require_money_staff(actor)
    if payment.status == "authorised":
        result = gateway.cancel(_reference(payment))
    elif payment.status == "succeeded":
        result = gateway.refund(_reference(payment))
    else:
        raise Conflict(_l("Only a held or paid amount can be given back."))
    follow(session, gateway.name, payment, result.status, refund_reference=refund_reference or
           (result.reference if gateway.name == "stripe" else ""))
    return payment


def _reference(payment: MarketPayment) -> str:
    if not payment.gateway_reference:
        raise DomainError(_l("This payment never reached the gateway."))
    return payment.gateway_reference
