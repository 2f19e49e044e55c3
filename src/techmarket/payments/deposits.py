"""Auction deposits (保证金) paid through a gateway, and given back after the close.

- Paying: a bidder's organisation pays its ``due`` deposit by bank transfer (receipt, operator confirms) or by
  card. A card deposit for an auction that ends within :data:`HOLD_DAYS` days is only **held** (manual
  capture; card authorisations lapse after about 7 days, 5 for some brands); a longer auction **collects** it
  and refunds it later.
- When the gateway reports the money held or taken, the deposit is secured through ``trading.deposits.secure``
  (a downward call, with a system actor).
- ``deposit.released`` (a loser at the close), after commit: a job cancels the hold or refunds the card, then
  ``trading.deposits.record_refund``. A bank transfer is sent back by the operator, who records its reference.
- ``deposit.applied`` (the winner), after commit: a job captures a held deposit so that it counts toward the
  price before the hold lapses.
- ``contract_document.added`` with the signed contract of a deal that an auction made, after commit: a job gives
  the winner's card deposit back (a bank transfer waits for the operator's transfer back, listed with the applied
  deposits).
"""

from __future__ import annotations

import datetime as dt
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.events import DomainEvent
from techmarket.core.jobs import queue
from techmarket.payments import services
from techmarket.payments.components import Gateways
from techmarket.payments.gateway import GatewayPayment, PaymentGateway
from techmarket.payments.models import MarketPayment
from techmarket.trading import access
from techmarket.trading import deposits as trading_deposits
from techmarket.trading.auctions.models import Auction
from techmarket.trading.deposits import AuctionDeposit, DepositStatus
from techmarket.trading.models import Deal

log = logging.getLogger(__name__)

HOLD_DAYS = 5
SYSTEM = Actor.system("payments")


def holds(deposit: AuctionDeposit, gateway: PaymentGateway, now: dt.datetime | None = None) -> bool:
    """Whether paying this deposit only holds the amount (a card, an auction ending within 5 days)."""
    return gateway.name == "stripe" and deposit.auction.ends_at - (now or utcnow()) <= dt.timedelta(days=HOLD_DAYS)


def pay(session: Session, actor: Actor, gateway: PaymentGateway, deposit: AuctionDeposit, *,
        payment_method: str | None = None, now: dt.datetime | None = None
        ) -> tuple[MarketPayment, GatewayPayment | None]:
    """A member of the bidding organisation pays its deposit (once: a second payment is refused)."""
    if deposit.organisation_id not in access.org_ids_of(session, actor):
        raise PermissionDenied(_l("Only members of the bidding organisation pay its deposit."))
    if deposit.status != DepositStatus.DUE:
        raise Conflict(_l("This deposit is already paid."))
    if deposit.auction.ends_at <= (now or utcnow()):
        raise Conflict(_l("The auction has ended."))
    return services.start(session, actor, gateway, purpose="deposit", subject_id=deposit.id, amount=deposit.amount,
                          hold=holds(deposit, gateway, now), payment_method=payment_method,
                          metadata={"auction_id": str(deposit.auction_id), "deposit_id": str(deposit.id)})


def secure(session: Session, event: DomainEvent) -> None:
    """Listener (in the transaction) on ``payment.authorised`` and ``payment.succeeded``: the deposit is secured."""
    payment: MarketPayment = event.subject
    if payment.purpose != "deposit":
        return
    deposit = session.get(AuctionDeposit, payment.subject_id)
    if deposit is None or deposit.status != DepositStatus.DUE:
        log.warning("payment %s for deposit %s, which is not due: left for the operator", payment.id,
                    payment.subject_id)
        return
    trading_deposits.secure(session, SYSTEM, deposit, gateway=payment.gateway,
                            reference=payment.gateway_reference or f"payment-{payment.id}")


def payment_of(session: Session, deposit: AuctionDeposit) -> MarketPayment | None:
    return services.live_for(session, "deposit", deposit.id)


def on_released(event: DomainEvent) -> None:
    """Listener (after commit) on ``deposit.released``: give the money back in a job."""
    queue().enqueue("techmarket.payments.tasks.give_back_deposit", deposit_id=event.object_id)


def on_applied(event: DomainEvent) -> None:
    """Listener (after commit) on ``deposit.applied``: capture a held winner's deposit in a job."""
    queue().enqueue("techmarket.payments.tasks.capture_deposit", deposit_id=event.object_id)


def on_contract_document(event: DomainEvent) -> None:
    """Listener (after commit) on ``contract_document.added``: the signed contract is in, so the winner's deposit
    is given back in a job."""
    if event.data.get("kind") == "signed_contract":
        queue().enqueue("techmarket.payments.tasks.give_back_winner_deposit", contract_id=event.data["contract_id"])


def winner_deposit_of_contract(session: Session, contract_id: int) -> AuctionDeposit | None:
    """The applied deposit of the auction winner whose deal became this contract (None: no such deposit)."""
    return session.scalar(
        select(AuctionDeposit).join(Deal, Deal.auction_id == AuctionDeposit.auction_id)
        .join(Auction, Auction.id == Deal.auction_id)
        .where(Deal.contract_id == contract_id, AuctionDeposit.bidder_id == Auction.winner_bidder_id,
               AuctionDeposit.status == DepositStatus.APPLIED))


def give_back(session: Session, actor: Actor, gateways: Gateways, deposit: AuctionDeposit, *,
              refund_reference: str = "") -> AuctionDeposit:
    """Cancel the hold or refund the payment of a released deposit, then record the refund on the deposit. A bank
    transfer needs the reference of the operator's transfer back."""
    if deposit.status not in (DepositStatus.RELEASED, DepositStatus.APPLIED):
        raise Conflict(_l("Only a released deposit, or a winner's after the contract, is refunded."))
    payment = payment_of(session, deposit)
    if payment is not None and payment.gateway == "offline" and not refund_reference.strip():
        msg = _l("Give the reference of the transfer back.")
        raise ValidationFailed(msg, field_errors={"reference": msg})
    if payment is not None:
        services.give_back(session, actor, gateways.get(payment.gateway), payment, refund_reference=refund_reference)
        reference = payment.refund_reference or payment.gateway_reference or refund_reference
    else:  # secured by the operator outside the gateways (trading's own bank-transfer path)
        reference = refund_reference
    return trading_deposits.record_refund(session, actor, deposit, reference=reference)


def forfeit(session: Session, actor: Actor, gateways: Gateways, deposit: AuctionDeposit, *,
            reason: str) -> AuctionDeposit:
    """The winner walked away: the operator forfeits the deposit with a reason (a hold is captured: kept)."""
    trading_deposits.forfeit(session, actor, deposit, reason=reason)
    payment = payment_of(session, deposit)
    if payment is not None and payment.status == "authorised":
        services.capture(session, actor, gateways.get(payment.gateway), payment)
    return deposit

