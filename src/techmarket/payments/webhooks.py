"""Gateway webhooks: verified, applied once, unknown events ignored and logged."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.payments import services
from techmarket.payments.gateway import PaymentGateway
from techmarket.payments.models import MarketPayment, WebhookEvent

log = logging.getLogger(__name__)


def receive(session: Session, gateway: PaymentGateway, payload: bytes, signature: str) -> str:
    """Apply one webhook; returns what happened (``applied``, ``unchanged``, ``replay``, ``ignored``,
    ``unknown payment``). A bad signature raises :class:`~techmarket.payments.gateway.BadSignature` before
    anything is read or written. The event id is stored in the same unit of work as its effect, so a replay
    (or a concurrent duplicate, refused by the primary key) changes nothing."""
    event = gateway.parse_webhook(payload, signature)
    if session.get(WebhookEvent, event.id) is not None:
        log.info("webhook %s (%s) already applied: acknowledged", event.id, event.type)
        return "replay"
    payment = None
    if event.reference:
        payment = session.scalar(select(MarketPayment).where(MarketPayment.gateway == gateway.name,
                                                             MarketPayment.gateway_reference == event.reference)
                               .with_for_update())  # the payer's return (payments.cards.refresh) may race it
    if event.status is None:
        outcome = "ignored"
        log.info("webhook %s: event type %s is not used; ignored", event.id, event.type)
    elif payment is None:
        outcome = "unknown payment"
        log.warning("webhook %s (%s) names payment %s, which the market does not know", event.id, event.type,
                    event.reference)
    else:
        changed = services.follow(session, gateway.name, payment, event.status, reason=event.failure)
        outcome = "applied" if changed else "unchanged"
    session.add(WebhookEvent(id=event.id[:100], gateway=gateway.name, type=event.type[:80],
                             payment_id=payment.id if payment is not None else None, outcome=outcome))
    session.flush()
    return outcome
