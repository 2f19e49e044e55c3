"""Auction deposits (保证金): the public interface the payments domain (above) builds on.

A bidder of an auction whose deposit amount is above zero owes a deposit (``due``) from registration; only a
``secured`` deposit lets them bid. The operator marks a deposit secured when the bank transfer arrived (the
offline path, reference required); a payment gateway does the same through :func:`secure` with a system actor.
At the close the losers' deposits are ``released`` (refund due within 5 working days, counted with
``policy.calendar``) and the winner's is ``applied`` to the price; a winner who walks away forfeits it.

Table "deposit" (:data:`techmarket.trading.auctions.workflow.DEPOSIT`):

- ``due -> secured`` (``secure``, operator or system; ``deposit.secured``)
- ``secured -> released`` (``release``, system, losers at the close; ``deposit.released``)
- ``secured -> applied`` (``apply_to_price``, system, the winner; ``deposit.applied``)
- ``applied -> forfeited`` (``forfeit``, operator, reason required; ``deposit.forfeited``)
- ``released|applied -> refunded`` (``record_refund``, operator or system; ``deposit.refunded``)
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.errors import ValidationFailed
from techmarket.core.workflow import apply
from techmarket.policy.calendar import add_working_days
from techmarket.trading.auctions import machines
from techmarket.trading.auctions.constants import REFUND_WORKING_DAYS, DepositStatus
from techmarket.trading.auctions.models import Auction, AuctionBidder, AuctionDeposit

__all__ = [
    "AuctionDeposit",
    "DepositStatus",
    "apply_to_price",
    "deposit_for",
    "forfeit",
    "overdue_refunds",
    "record_refund",
    "refunds_due",
    "release",
    "secure",
]


def _required(field: str, value: str, message: object, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors={field: message})
    if len(value) > limit:
        raise ValidationFailed(_l("Please correct the marked fields."),
                               field_errors={field: _l("At most %(n)d characters.", n=limit)})
    return value


def open_for(session: Session, bidder: AuctionBidder) -> AuctionDeposit | None:
    """The deposit a newly registered bidder owes (none when the auction asks for none)."""
    auction = bidder.auction
    if not auction.needs_deposit:
        return None
    deposit = deposit_for(session, auction, bidder.organisation_id)
    if deposit is None:
        deposit = AuctionDeposit(auction_id=auction.id, bidder_id=bidder.id, organisation_id=bidder.organisation_id,
                                 amount=auction.deposit_amount, status=DepositStatus.DUE.value)
        session.add(deposit)
        session.flush()
    return deposit


def secure(session: Session, actor: Actor, deposit: AuctionDeposit, *, gateway: str, reference: str) -> AuctionDeposit:
    """The deposit arrived (bank transfer confirmed by the operator, or a gateway's hold or charge)."""
    reference = _required("reference", reference, _l("Give the bank or payment reference."))
    gateway = _required("gateway", gateway, _l("Say how it was paid."), 32)
    deposit.gateway, deposit.reference = gateway, reference
    apply(session, actor, machines.DEPOSIT, deposit, "secure", gateway=gateway, reference=reference)
    return deposit


def release(session: Session, actor: Actor, deposit: AuctionDeposit, closed_on: dt.date) -> AuctionDeposit:
    """A loser's deposit at the close: to be refunded within 5 working days."""
    deposit.refund_due_on, _provisional = add_working_days(closed_on, REFUND_WORKING_DAYS)
    apply(session, actor, machines.DEPOSIT, deposit, "release", refund_due_on=deposit.refund_due_on.isoformat())
    return deposit


def apply_to_price(session: Session, actor: Actor, deposit: AuctionDeposit) -> AuctionDeposit:
    """The winner's deposit counts toward the price."""
    apply(session, actor, machines.DEPOSIT, deposit, "apply_to_price")
    return deposit


def forfeit(session: Session, actor: Actor, deposit: AuctionDeposit, *, reason: str) -> AuctionDeposit:
    """The winner walked away: the operator records the forfeiture with the reason."""
    apply(session, actor, machines.DEPOSIT, deposit, "forfeit", reason=reason)
    return deposit


def record_refund(session: Session, actor: Actor, deposit: AuctionDeposit, *, reference: str) -> AuctionDeposit:
    """The deposit went back to the bidder (the bank or gateway reference of the refund)."""
    reference = _required("reference", reference, _l("Give the bank or payment reference."))
    apply(session, actor, machines.DEPOSIT, deposit, "record_refund", refund_reference=reference)
    deposit.reference = reference
    session.flush()
    return deposit


def deposit_for(session: Session, auction: Auction, organisation_id: int) -> AuctionDeposit | None:
    return session.scalar(select(AuctionDeposit).where(AuctionDeposit.auction_id == auction.id,
                                                       AuctionDeposit.organisation_id == organisation_id))


def refunds_due(session: Session) -> list[AuctionDeposit]:
    """Released deposits waiting for their refund, the earliest deadline first (the operator's list)."""
    return list(session.scalars(select(AuctionDeposit).where(AuctionDeposit.status == DepositStatus.RELEASED)
                                .order_by(AuctionDeposit.refund_due_on, AuctionDeposit.id)))


def overdue_refunds(session: Session, today: dt.date) -> list[AuctionDeposit]:
    """Released deposits whose refund deadline has passed, the most overdue first."""
    return list(session.scalars(select(AuctionDeposit).where(AuctionDeposit.status == DepositStatus.RELEASED,
                                                             AuctionDeposit.refund_due_on < today)
                                .order_by(AuctionDeposit.refund_due_on, AuctionDeposit.id)))
