"""Placing a bid: one bid at a time per auction, judged by the server's clock.

The auction's row is locked first (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the write transaction
taken with ``BEGIN IMMEDIATE`` serialises writers), then the time is read, so two bids at the same instant are
judged one after the other and never both win a price step. The idempotency key makes a repeated request (a
double click, a retry) land once: the second answer is the first bid. Every accepted bid is an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import Session, lazyload, load_only

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


class BidRefused(ValidationFailed):
    """A bid the rules refuse; ``high`` is the best bid it was judged against (None while the bids are hidden), so
    a client can bid again without polling the status."""

    def __init__(self, code: str, high: Decimal | None) -> None:
        super().__init__(REFUSAL_MESSAGES[code], field_errors={"amount": REFUSAL_MESSAGES[code]})
        self.code, self.high = code, high


def _refuse(code: str, mode: modes.Mode, high: Decimal | None) -> BidRefused:
    return BidRefused(code, None if mode.hidden else high)


@dataclass(frozen=True)
class _Mine:
    orgs: set[int]
    bidder: AuctionBidder | None
    earlier_id: int | None
    """The bid this bidder already placed with the request's idempotency key."""


def _mine(rows: Sequence[Any]) -> _Mine:
    """From rows (organisation id, live bidder or None, id of its bid with the key or None)."""
    live = [(b, bid_id) for org, b, bid_id in rows if org is not None and b is not None]
    bidder, earlier_id = min(live, key=lambda row: row[0].id) if live else (None, None)
    return _Mine({org for org, _b, _bid in rows if org is not None}, bidder, earlier_id)


def _with_bidder(query: Select, auction_id: Any, key: Any) -> Select:
    """``query`` (over the user's memberships) joined (outer) with their live bidder on the auction and its bid
    with ``key``; the bidder's organisation is not loaded (no bid needs it)."""
    return (query.outerjoin(AuctionBidder, and_(AuctionBidder.organisation_id == Membership.organisation_id,
                                                AuctionBidder.auction_id == auction_id,
                                                AuctionBidder.status != BidderStatus.WITHDRAWN))
            .outerjoin(Bid, and_(Bid.bidder_id == AuctionBidder.id, Bid.idempotency_key == key))
            .options(lazyload(AuctionBidder.organisation)))


def _memberships(session: Session, actor: Actor, auction_id: int) -> _Mine:
    """The actor's organisations and their first live bidder on the auction, in one statement."""
    if actor.user_id is None:
        return _Mine(set(), None, None)
    rows = session.execute(_with_bidder(
        select(Membership.organisation_id, AuctionBidder, Bid.id).select_from(Membership), auction_id, "")
        .where(Membership.user_id == actor.user_id)).all()
    return _mine([tuple(r) for r in rows])


def _auction_and_mine(session: Session, actor: Actor, auction_id: int, key: str) -> tuple[Auction | None, _Mine]:
    """The auction (its committed state), the actor's organisations, their live bidder on it and that bidder's
    bid with ``key`` if one went in already: one statement, which every bid pays."""
    rows = session.execute(_auction_and_mine_query(), {"user_id": actor.user_id, "auction_id": auction_id,
                                                       "key": key}).all()
    if not rows:
        return None, _Mine(set(), None, None)
    return rows[0][0], _mine([tuple(r)[1:] for r in rows])


@cache
def _auction_and_mine_query() -> Select:
    """Built once (parameters ``user_id``, ``auction_id``, ``key``): constructing it cost as much as running it.
    Only the columns that judge a bid before the lock are read (half of the auction's, half of the bidder's):
    decoding the others cost more than the rest of a refused bid's query; the lock reads the whole row."""
    return _with_bidder(select(Auction, Membership.organisation_id, AuctionBidder, Bid.id).select_from(Auction)
                        .outerjoin(Membership, Membership.user_id == bindparam("user_id")), Auction.id,
                        bindparam("key")).where(Auction.id == bindparam("auction_id")).options(
        load_only(Auction.status, Auction.seller_org_id, Auction.mode, Auction.start_price, Auction.increment,
                  Auction.reserve, Auction.deposit_amount, Auction.starts_at, Auction.ends_at,
                  Auction.extension_minutes, Auction.high_amount, Auction.high_bidder_id),
        load_only(AuctionBidder.organisation_id, AuctionBidder.pseudonym, AuctionBidder.agreement_accepted_at,
                  AuctionBidder.status))


def may_bid(session: Session, actor: Actor, auction: Auction) -> AuctionBidder:
    """The actor's qualified bidder with the agreement accepted and the deposit secured, or why not."""
    return _may_bid(session, auction, _memberships(session, actor, auction.id))


def _may_bid(session: Session, auction: Auction, mine: _Mine) -> AuctionBidder:
    bidder = mine.bidder
    if auction.seller_org_id in mine.orgs:
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
    seen, mine = _auction_and_mine(session, actor, auction_id, key)  # with the bid of this key, if one went in
    if seen is None:
        raise NotFound(_l("No such auction."))
    if seen.status not in (AuctionStatus.OPEN, AuctionStatus.SCHEDULED):
        raise Conflict(REFUSAL_MESSAGES[modes.CLOSED])
    bidder = _may_bid(session, seen, mine)  # who may bid does not change with the price: checked before the lock
    mode = modes.get(seen.mode)
    early = mode.check(lifecycle.rules_of(seen), modes.State(seen.high_amount, seen.high_bidder_id), bidder.id,
                       amount, now or utcnow())
    if early.refusal in MONOTONE:  # the best bid only gets better: refused now, refused under the lock too
        if mine.earlier_id is not None:  # a double click or a retry of a bid that went in: the first answer again
            repeat = session.get(Bid, mine.earlier_id)
            if repeat is not None:
                return Placed(repeat, repeated=True, extended=False)
        raise _refuse(early.refusal, mode, seen.high_amount)
    auction = lifecycle.lock(session, auction_id)
    at = now or utcnow()  # read after the lock: the order of the lock is the order of time
    lifecycle.open_if_due(session, auction, at)
    if auction.status not in (AuctionStatus.OPEN, AuctionStatus.SCHEDULED):
        raise Conflict(REFUSAL_MESSAGES[modes.CLOSED])
    earlier = _earlier(session, bidder, key)  # a repeat that got here (or raced the first) is found under the lock
    if earlier is not None:
        return Placed(earlier, repeated=True, extended=False)
    if auction.status == AuctionStatus.SCHEDULED:
        raise _refuse(modes.NOT_OPEN, mode, auction.high_amount)
    has_bid = mode.hidden and session.scalar(select(Bid.id).where(Bid.bidder_id == bidder.id).limit(1)) is not None
    state = modes.State(auction.high_amount, auction.high_bidder_id, frozenset({bidder.id} if has_bid else ()))
    verdict = mode.check(lifecycle.rules_of(auction), state, bidder.id, amount, at)
    if verdict.refusal is not None:
        raise _refuse(verdict.refusal, mode, auction.high_amount)
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
