"""The read side of auctions: the public list, the bid history, the operator's queues, the status snapshot that
the page polls."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from techmarket.core.microcache import TTLCache
from techmarket.trading.auctions import lifecycle, modes
from techmarket.trading.auctions.constants import AuctionStatus, BidderStatus, DepositStatus, ObjectionStatus
from techmarket.trading.auctions.models import Auction, AuctionBidder, AuctionDeposit, AuctionObjection, Bid
from techmarket.trading.models import Deal

PUBLIC = (AuctionStatus.SCHEDULED, AuctionStatus.OPEN, AuctionStatus.SOLD, AuctionStatus.FAILED,
          AuctionStatus.PUBLICITY, AuctionStatus.FINAL, AuctionStatus.ANNULLED)
QUICK_STEPS = (1, 2, 5)


def public_list(status: str | None = None) -> Select:
    """Auctions anyone may see: running first (by end), then scheduled, then the rest, newest first."""
    shown = [s for s in PUBLIC if status in (None, "", s)]
    return select(Auction).where(Auction.status.in_(shown)).order_by(
        (Auction.status != AuctionStatus.OPEN), (Auction.status != AuctionStatus.SCHEDULED),
        Auction.ends_at.desc(), Auction.id.desc())


def to_approve() -> Select:
    return select(Auction).where(Auction.status == AuctionStatus.DRAFT).order_by(Auction.created_at, Auction.id)


def bidders_to_check() -> Select:
    return (select(AuctionBidder).join(Auction, AuctionBidder.auction_id == Auction.id)
            .where(AuctionBidder.status == BidderStatus.PENDING,
                   Auction.status.in_([AuctionStatus.SCHEDULED, AuctionStatus.OPEN]))
            .order_by(AuctionBidder.created_at, AuctionBidder.id))


def objections_to_decide() -> Select:
    return (select(AuctionObjection).where(AuctionObjection.status == ObjectionStatus.PENDING)
            .order_by(AuctionObjection.id))


def bids_of(auction: Auction) -> Select:
    return select(Bid).where(Bid.auction_id == auction.id).order_by(Bid.id.desc())


def bid_history_visible(auction: Auction) -> bool:
    """Sealed bids stay hidden until the close."""
    return not modes.get(auction.mode).hidden or auction.status not in (AuctionStatus.SCHEDULED, AuctionStatus.OPEN)


def names_visible(auction: Auction) -> bool:
    """Bidders are shown by pseudonym until the result is out."""
    return auction.status in (AuctionStatus.PUBLICITY, AuctionStatus.FINAL, AuctionStatus.ANNULLED)


def quick_bids(auction: Auction) -> list[tuple[int, Any]]:
    mode = modes.get(auction.mode)
    state = modes.State(auction.high_amount, auction.high_bidder_id)
    return list(zip(QUICK_STEPS, mode.quick_bids(lifecycle.rules_of(auction), state, QUICK_STEPS), strict=False))


_PSEUDONYMS: TTLCache[str] = TTLCache(3600, max_entries=4096)
"""A bidder's pseudonym never changes: the polled status reads it once per process, not on every poll."""


def _pseudonym(session: Session, auction: Auction, bidder_id: int) -> str | None:
    key = (auction.id, auction.created_at, bidder_id)  # the creation time: never another database's auction
    name = _PSEUDONYMS.get(key)
    if name is None:
        name = session.scalar(select(AuctionBidder.pseudonym).where(AuctionBidder.id == bidder_id))
        if name is not None:
            _PSEUDONYMS.set(key, name)
    return name


def status(session: Session, auction: Auction, now: dt.datetime) -> dict[str, Any]:
    """What the page's script polls; the ETag is a hash of it without the server time."""
    high_visible = bid_history_visible(auction)
    high_bidder = _pseudonym(session, auction, auction.high_bidder_id) if high_visible and auction.high_bidder_id \
        else None
    body: dict[str, Any] = {
        "id": auction.id, "status": auction.status, "version": auction.version, "bid_count": auction.bid_count,
        "high": str(auction.high_amount) if high_visible and auction.high_amount is not None else None,
        "high_bidder": high_bidder,
        "starts_at": auction.starts_at.isoformat(), "free_ends_at": auction.free_ends_at.isoformat(),
        "ends_at": auction.ends_at.isoformat(), "extensions": auction.extensions,
        "quick_bids": [[k, str(v)] for k, v in quick_bids(auction)] if auction.status == AuctionStatus.OPEN else [],
    }
    etag = hashlib.sha256(repr(sorted(body.items())).encode()).hexdigest()[:20]
    return body | {"server_time": now.isoformat(), "etag": etag}


def deal_of(session: Session, auction: Auction) -> Deal | None:
    """The deal an auction's result made (its draft contract is ``contract_id``), if any."""
    return session.scalar(select(Deal).where(Deal.auction_id == auction.id))


def refunds_due() -> Select:
    """Released deposits waiting for their refund, the earliest deadline (the most overdue) first."""
    return (select(AuctionDeposit).where(AuctionDeposit.status == DepositStatus.RELEASED)
            .order_by(AuctionDeposit.refund_due_on, AuctionDeposit.id))
