"""Card payments finished in the payer's browser (Stripe.js Elements).

Paying by card starts a PaymentIntent without a card (:func:`techmarket.payments.services.start`); the payment's
page then mounts Stripe's card form and calls ``stripe.confirmCardPayment`` with the intent's client secret, so
the card's details go from the browser to Stripe and never reach the market's server. When the browser is done
it posts back to the market, which asks the gateway what became of the intent (:func:`refresh`) and applies it
through :func:`~techmarket.payments.services.follow`, the step the webhooks take: whichever of the two arrives
second changes nothing, and each money movement is audited once.
"""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict, DomainError, PermissionDenied
from techmarket.payments import services
from techmarket.payments.gateway import PaymentGateway
from techmarket.payments.models import MarketPayment

log = logging.getLogger(__name__)

AWAITING_CARD = frozenset({"pending", "requires_action"})
"""The market's statuses of a card payment the payer has still to give a card for (or authenticate)."""


def awaits_card(payment: MarketPayment) -> bool:
    """Whether this card payment still waits for the payer's card (shown the card form)."""
    return payment.gateway == "stripe" and payment.status in AWAITING_CARD and bool(payment.gateway_reference)


def _require_payer(actor: Actor, payment: MarketPayment) -> None:
    if actor.user_id is None or actor.user_id != payment.payer_id:
        raise PermissionDenied(_l("Only the payer pays this payment."))


def _check(gateway: PaymentGateway, payment: MarketPayment) -> str:
    if payment.gateway != gateway.name or not payment.gateway_reference:
        raise Conflict(_l("This payment is not a card payment."))
    return payment.gateway_reference


def client_secret(actor: Actor, gateway: PaymentGateway, payment: MarketPayment) -> str | None:
    """The intent's client secret for the payer's browser, while the intent still waits for a card (None once
    the gateway has moved on: the page offers to bring the payment up to date instead). Read from the gateway
    each time, never stored."""
    _require_payer(actor, payment)
    if not awaits_card(payment):
        return None
    result = gateway.retrieve(_check(gateway, payment))
    if result.status != "requires_action" or result.metadata.get("payment_id") != str(payment.id):
        return None
    return result.client_secret


def refresh(session: Session, actor: Actor, gateway: PaymentGateway, payment: MarketPayment) -> bool:
    """Bring the payment to what the gateway says of it now (the payer's browser has finished with the card).
    Returns whether anything changed; a second call (or the webhook's) changes nothing. A declined card leaves
    the payment ``failed`` and its intent cancelled, so the abandoned intent can never be charged later; the
    payer starts a new payment with another card."""
    if actor.user_id is None or not (actor.user_id == payment.payer_id or actor.is_operator):
        raise PermissionDenied(_l("You may not take this step on this payment."))
    reference = _check(gateway, payment)
    result = gateway.retrieve(reference)
    if result.reference != reference or result.metadata.get("payment_id") != str(payment.id):
        log.warning("payment %s: the gateway's %s belongs to another payment (%s)", payment.id, reference,
                    result.metadata.get("payment_id"))
        raise Conflict(_l("The payment service reports another payment under this reference."))
    # The webhook may be applying the same news right now: wait for it (row lock; SQLite serialises writers)
    # and read what it wrote, so that the second of the two changes nothing instead of failing on the version.
    session.refresh(payment, with_for_update=True)
    changed = services.follow(session, gateway.name, payment, result.status, reason=result.failure)
    if result.status == "failed":
        _abandon(gateway, reference)
    return changed


def _abandon(gateway: PaymentGateway, reference: str) -> None:
    try:
        gateway.cancel(reference)
    except DomainError as exc:  # already cancelled, or the gateway is down: nothing is taken either way
        log.info("declined intent %s not cancelled: %s", reference, exc)


def abandon(session: Session, actor: Actor, gateway: PaymentGateway, payment: MarketPayment) -> MarketPayment:
    """The payer gives up a card payment that still waits for a card (to pay by bank transfer instead): the
    intent is cancelled at the gateway and the payment follows it, which frees its subject."""
    _require_payer(actor, payment)
    reference = _check(gateway, payment)
    if not awaits_card(payment) or gateway.retrieve(reference).status != "requires_action":
        raise Conflict(_l("This card payment has gone further; see its status."))
    result = gateway.cancel(reference)
    services.follow(session, gateway.name, payment, result.status, reason=result.failure)
    return payment
