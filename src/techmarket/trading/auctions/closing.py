"""The close: at the end time, by the due job or lazily on any read, whichever comes first.

The mode's pure function computes the outcome from the bids; the auction closes sold or failed (流拍), publishes
``auction.closed`` (auction_id, winner_bidder_id, outcome), releases the losers' deposits (refund due within 5
working days) and applies the winner's to the price. A sold auction goes into its 成交公示 for 5 working days
and its deal is made through the deals path, whose ``deal.concluded`` drafts the contract. An auction that a
挂牌 sale with several qualified buyers started settles that sale too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from techmarket.core import events
from techmarket.core.clock import local_today, to_local, utcnow
from techmarket.core.workflow import apply
from techmarket.policy.calendar import add_working_days
from techmarket.trading import deals, deposits
from techmarket.trading import machines as trading_machines
from techmarket.trading.auctions import lifecycle, machines, modes
from techmarket.trading.auctions.constants import (
    PUBLICITY_WORKING_DAYS,
    AuctionStatus,
    DepositStatus,
    ObjectionStatus,
)
from techmarket.trading.auctions.lifecycle import SYSTEM
from techmarket.trading.auctions.models import Auction, AuctionBidder, AuctionDeposit, AuctionObjection, Bid
from techmarket.trading.constants import SaleStatus
from techmarket.trading.models import Deal, Sale


def _due(auction: Auction, now: dt.datetime, today: dt.date) -> bool:
    status = auction.status
    return ((status == AuctionStatus.SCHEDULED and now >= auction.starts_at)
            or (status == AuctionStatus.OPEN and now >= auction.ends_at)
            or (status == AuctionStatus.PUBLICITY and auction.publicity_until is not None
                and today > auction.publicity_until))


def refresh(session: Session, auction: Auction, now: dt.datetime | None = None) -> bool:
    """Take the steps whose time has come (open, close, end of publicity); whether anything changed. Cheap when
    nothing is due; otherwise the auction is locked and checked again, so two readers never close it twice."""
    now = now or utcnow()
    today = to_local(now).date()
    if not _due(auction, now, today):
        return False
    auction = lifecycle.lock(session, auction.id)
    changed = lifecycle.open_if_due(session, auction, now)
    if auction.status == AuctionStatus.OPEN and now >= auction.ends_at:
        close(session, auction)
        changed = True
    if auction.status == AuctionStatus.PUBLICITY and finalise_if_due(session, auction, today):
        changed = True
    return changed


def close(session: Session, auction: Auction) -> modes.Outcome:
    """Close an open auction whose end has come (the caller holds the lock)."""
    bids = session.scalars(select(Bid).where(Bid.auction_id == auction.id).order_by(Bid.id)).all()
    mode = modes.get(auction.mode)
    result = mode.outcome(lifecycle.rules_of(auction),
                          [modes.PlacedBid(b.bidder_id, b.amount, b.at, b.id) for b in bids])
    auction.winner_bidder_id, auction.final_amount = result.winner_bidder_id, result.amount
    auction.closed_at, auction.reason = auction.ends_at, result.why
    if mode.hidden and result.amount is not None:
        auction.high_amount, auction.high_bidder_id = result.amount, result.winner_bidder_id
    apply(session, SYSTEM, machines.AUCTION, auction, "close", outcome=result.outcome, why=result.why)
    closed_on = to_local(auction.ends_at).date()
    held = session.scalars(select(AuctionDeposit).where(AuctionDeposit.auction_id == auction.id,
                                                        AuctionDeposit.status == DepositStatus.SECURED)
                           .order_by(AuctionDeposit.id)).all()
    for deposit in held:
        if deposit.bidder_id == result.winner_bidder_id:
            deposits.apply_to_price(session, SYSTEM, deposit)
        else:
            deposits.release(session, SYSTEM, deposit, closed_on)
    events.publish(session, events.DomainEvent(
        "auction.closed", "auction", auction.id, SYSTEM,
        {"auction_id": auction.id, "winner_bidder_id": result.winner_bidder_id, "outcome": result.outcome},
        subject=auction))
    sale = session.get(Sale, auction.sale_id) if auction.sale_id is not None else None
    if sale is not None and sale.status == SaleStatus.COMPETING:
        apply(session, SYSTEM, trading_machines.SALE, sale,
              "auction_sold" if result.outcome == modes.SOLD else "auction_failed", auction=auction.id)
    if result.outcome == modes.SOLD:
        _sold(session, auction, closed_on, sale)
    return result


def _sold(session: Session, auction: Auction, closed_on: dt.date, sale: Sale | None) -> None:
    auction.publicity_until, _provisional = add_working_days(closed_on, PUBLICITY_WORKING_DAYS)
    apply(session, SYSTEM, machines.AUCTION, auction, "publicise",
          publicity_until=auction.publicity_until.isoformat())
    winner = session.get(AuctionBidder, auction.winner_bidder_id)
    assert winner is not None and auction.final_amount is not None
    listing = auction.listing
    if auction.mode == "reverse":  # the demand's owner buys the service from the winner
        deals.make(session, SYSTEM, listing, listing.organisation_id, auction.final_amount, auction.trade_mode,
                   auction_id=auction.id, seller_org_id=winner.organisation_id)
    else:
        deals.make(session, SYSTEM, listing, winner.organisation_id, auction.final_amount, auction.trade_mode,
                   auction_id=auction.id, sale=sale)


def annulled(session: Session, event: events.DomainEvent) -> None:
    """Listener on ``auction.annulled`` (an upheld objection): the deal it made is cancelled (contracts, above,
    ends the draft contract on ``deal.cancelled``) and the winner's deposit is released like a loser's."""
    auction: Auction = event.subject
    reason = str(event.data.get("reason") or "")
    deal = session.scalar(select(Deal).where(Deal.auction_id == auction.id))
    if deal is not None and trading_machines.DEAL.allowed(deal, "cancel"):
        apply(session, SYSTEM, trading_machines.DEAL, deal, "cancel", reason=reason, auction=auction.id)
    today = today_of(None)
    for deposit in session.scalars(select(AuctionDeposit).where(
            AuctionDeposit.auction_id == auction.id,
            AuctionDeposit.status.in_([DepositStatus.APPLIED, DepositStatus.SECURED])).order_by(AuctionDeposit.id)):
        deposits.release(session, SYSTEM, deposit, today)


def finalise_if_due(session: Session, auction: Auction, today: dt.date) -> bool:
    """The 成交公示 ended without an objection still open: the result is final."""
    if auction.publicity_until is None or today <= auction.publicity_until:
        return False
    pending = session.scalar(select(AuctionObjection.id).where(AuctionObjection.auction_id == auction.id,
                                                        AuctionObjection.status == ObjectionStatus.PENDING).limit(1))
    if pending is not None:
        return False
    apply(session, SYSTEM, machines.AUCTION, auction, "finalise")
    return True


def close_due(session: Session, now: dt.datetime | None = None) -> int:
    """The due job: every auction whose start, end or publicity end has come; returns how many moved."""
    now = now or utcnow()
    today = to_local(now).date()
    ids = session.scalars(select(Auction.id).where(or_(
        (Auction.status == AuctionStatus.SCHEDULED) & (Auction.starts_at <= now),
        (Auction.status == AuctionStatus.OPEN) & (Auction.ends_at <= now),
        (Auction.status == AuctionStatus.PUBLICITY) & (Auction.publicity_until < today))).order_by(Auction.id)).all()
    moved = 0
    for auction_id in ids:
        auction = session.get(Auction, auction_id)
        if auction is not None and refresh(session, auction, now):
            moved += 1
    return moved


def today_of(now: dt.datetime | None) -> dt.date:
    return to_local(now).date() if now is not None else local_today()
