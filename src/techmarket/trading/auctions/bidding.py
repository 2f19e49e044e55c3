"""Placing a bid: one bid at a time per auction, judged by the server's clock.

The auction's row is locked first (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the write transaction
taken with ``BEGIN IMMEDIATE`` serialises writers), then the time is read, so two bids at the same instant are
judged one after the other and never both win a price step. The idempotency key makes a repeated request (a
double click, a retry) land once: the second answer is the first bid. Every accepted bid is an audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from techmarket.core import audit, events
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from techmarket.orgs.models import Membership
from techmarket.trading import deposits
from techmarket.trading.auctions import lifecycle, modes
from techmarket.trading.auctions.constants import AuctionStatus, BidderStatus, DepositStatus
from techmarket.trading.auctions.models import Auction, AuctionBidder, Bid

REFUSAL_MESSAGES: dict[str, Any] = {
    modes.NOT_OPEN: _l("Bidding has not started yet."),
    modes.CLOSED: _l("Bidding has ended: the bid came after the close."),
    modes.NOT_POSITIVE: _l("The amount must be greater than zero."),
    modes.BELOW_START: _l("The first bid is at least the starting price."),
    modes.ABOVE_START: _l("The first bid is at most the starting price."),
    modes.OFF_GRID: _l("The bid must be the current price plus a whole number of increments."),
    modes.NOT_ABOVE_HIGH: _l("Someone bid this or more already: bid above the current high."),
    modes.NOT_BELOW_LOW: _l("Someone bid this or less already: bid below the current low."),
    modes.ALREADY_HIGH: _l("You hold the best bid already."),
    modes.ALREADY_BID: _l("A sealed auction takes one bid from each bidder: yours is in."),
}


MONOTONE = frozenset({modes.NOT_ABOVE_HIGH, modes.NOT_BELOW_LOW, modes.BELOW_START, modes.ABOVE_START,
                      modes.NOT_POSITIVE})
"""Refusals that a later state cannot lift (the high only rises, the low only falls, the start is fixed): judged
on the committed state without waiting for the lock, so the many late bids of a busy auction do not queue."""


@dataclass(frozen=True)
class Placed:
    bid: Bid
    repeated: bool
    """The same idempotency key came again: nothing new was applied."""
    extended: bool


def _refuse(code: str) -> ValidationFailed:
    return ValidationFailed(REFUSAL_MESSAGES[code], field_errors={"amount": REFUSAL_MESSAGES[code]})


def _memberships(session: Session, actor: Actor, auction_id: int) -> tuple[set[int], AuctionBidder | None]:
    """The actor's organisations and their first live bidder on the auction, in one statement (every bid asks)."""
    if actor.user_id is None:
        return set(), None
    rows = session.execute(
        select(Membership.organisation_id, AuctionBidder).select_from(Membership)
        .outerjoin(AuctionBidder, and_(AuctionBidder.organisation_id == Membership.organisation_id,
                                       AuctionBidder.auction_id == auction_id,
                                       AuctionBidder.status != BidderStatus.WITHDRAWN))
        .where(Membership.user_id == actor.user_id)).all()
    bidders = [b for _org, b in rows if b is not None]
    return {org for org, _b in rows}, min(bidders, key=lambda b: b.id) if bidders else None


def may_bid(session: Session, actor: Actor, auction: Auction) -> AuctionBidder:
    """The actor's qualified bidder with the agreement accepted and the deposit secured, or why not."""
    mine, bidder = _memberships(session, actor, auction.id)
    if auction.seller_org_id in mine:
        raise PermissionDenied(_l("The seller cannot bid on its own auction."))
    if bidder is None:
        raise PermissionDenied(_l("Register as a bidder first."))
    if bidder.status == BidderStatus.REFUSED:
        raise PermissionDenied(_l("Your organisation did not pass the qualification check for this auction."))
    if bidder.status != BidderStatus.QUALIFIED:
        raise PermissionDenied(_l("Your registration is waiting for the qualification check."))
    if bidder.agreement_accepted_at is None:
        raise PermissionDenied(_l("Accept the bidder agreement first."))
    if auction.needs_deposit:
        deposit = deposits.deposit_for(session, auction, bidder.organisation_id)
        if deposit is None or deposit.status != DepositStatus.SECURED:
            raise PermissionDenied(_l("Pay the deposit (保证金) of %(amount)s yuan before bidding.",
                                      amount=auction.deposit_amount))
    return bidder


def _earlier(session: Session, bidder: AuctionBidder, key: str) -> Bid | None:
    return session.scalar(select(Bid).where(Bid.bidder_id == bidder.id, Bid.idempotency_key == key))


def place(session: Session, actor: Actor, auction_id: int, amount: Decimal | None, key: str, *,
          now: dt.datetime | None = None) -> Placed:
    """Place a bid of ``amount`` yuan; ``key`` identifies the request (a repeat returns the first bid)."""
    key = (key or "").strip()[:64]
    if not key:
        raise ValidationFailed(_l("The bid form was incomplete. Reload the page and bid again."))
    if amount is None or not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(_l("Enter an amount in yuan."), field_errors={"amount": _l("Enter an amount in yuan.")})
    seen = session.get(Auction, auction_id)
    if seen is None:
        raise NotFound(_l("No such auction."))
    if seen.status not in (AuctionStatus.OPEN, AuctionStatus.SCHEDULED):
        raise Conflict(REFUSAL_MESSAGES[modes.CLOSED])
    bidder = may_bid(session, actor, seen)  # who may bid does not change with the price: checked before the lock
    early = modes.get(seen.mode).check(lifecycle.rules_of(seen), modes.State(seen.high_amount, seen.high_bidder_id),
                                       bidder.id, amount, now or utcnow())
    if early.refusal in MONOTONE:  # the best bid only gets better: refused now, refused under the lock too
        repeat = _earlier(session, bidder, key)
        if repeat is not None:  # a double click or a retry of a bid that went in: the first answer again
            return Placed(repeat, repeated=True, extended=False)
        raise _refuse(early.refusal)
    auction = lifecycle.lock(session, auction_id)
    at = now or utcnow()  # read after the lock: the order of the lock is the order of time
    lifecycle.open_if_due(session, auction, at)
    if auction.status not in (AuctionStatus.OPEN, AuctionStatus.SCHEDULED):
        raise Conflict(REFUSAL_MESSAGES[modes.CLOSED])
    earlier = _earlier(session, bidder, key)  # a repeat that got here (or raced the first) is found under the lock
    if earlier is not None:
        return Placed(earlier, repeated=True, extended=False)
    if auction.status == AuctionStatus.SCHEDULED:
        raise _refuse(modes.NOT_OPEN)
    mode = modes.get(auction.mode)
    has_bid = mode.hidden and session.scalar(select(Bid.id).where(Bid.bidder_id == bidder.id).limit(1)) is not None
    state = modes.State(auction.high_amount, auction.high_bidder_id, frozenset({bidder.id} if has_bid else ()))
    verdict = mode.check(lifecycle.rules_of(auction), state, bidder.id, amount, at)
    if verdict.refusal is not None:
        raise _refuse(verdict.refusal)
    bid = Bid(auction_id=auction.id, bidder_id=bidder.id, amount=amount, at=at, idempotency_key=key,
              placed_by_id=actor.user_id)
    session.add(bid)
    extended = verdict.ends_at != auction.ends_at
    if verdict.moves_high:
        auction.high_amount, auction.high_bidder_id = amount, bidder.id
    if extended:
        auction.ends_at, auction.extensions = verdict.ends_at, auction.extensions + 1
    auction.bid_count += 1
    session.flush()
    after = {"auction": auction.id, "bidder": bidder.pseudonym, "amount": amount, "at": at,
             "ends_at": auction.ends_at, "extended": extended}
    audit.record(session, actor, "bid", bid.id, "place", None, after)
    events.publish(session, events.DomainEvent("bid.placed", "bid", bid.id, actor,
                                               {"auction": auction.id, "extended": extended}, subject=bid))
    return Placed(bid, repeated=False, extended=extended)
