"""Demo auctions through the auction services, with the clock given to them: one running (English ascending,
deposits received offline, a few bids), one closed and sold, its result in 成交公示, and a few held in past months
(:data:`PAST`): sold and final, one 流拍 without a bid, one annulled after an upheld objection (which cancels its
deal and the deal's draft contract). Idempotent: nothing is added when the demo already holds an auction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User, UserRole
from techmarket.contracts.models import Contract
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, to_local, utcnow
from techmarket.core.roles import Role
from techmarket.demo.trading_loader import _buyers, _candidates, _member, _mode, _price
from techmarket.listings.models import Listing
from techmarket.trading import deposits
from techmarket.trading.auctions import bidding, closing, results, services
from techmarket.trading.auctions.models import Auction
from techmarket.trading.models import Deal, Negotiation, Sale

# days ago each past auction started, and what became of it
PAST: tuple[tuple[int, str], ...] = ((330, "final"), (260, "failed"), (190, "final"), (125, "annulled"),
                                     (75, "final"), (40, "failed"))


def _auction(session: Session, operator: Actor, listing: Listing, start: dt.datetime, hours: int,
             bids: int = 3, waiting: int = 0) -> tuple[Auction, list[Actor]] | None:
    """An approved English auction with two bidders whose deposits are secured and ``bids`` bids between them;
    ``waiting`` more bidders are qualified with their deposit still due (the payments demo pays it by transfer)."""
    owner = _member(session, listing.organisation_id)
    buyers = _buyers(session, listing.organisation_id, owner) if owner is not None else []
    if owner is None or len(buyers) < 2:
        return None
    price = _price(listing, "800000")
    increment = services.default_increment(price)
    auction = services.create(session, accounts.actor_for(owner), listing, services.AuctionData(
        mode="english", trade_mode=_mode(listing), start_price=price, increment=increment, starts_at=start,
        free_ends_at=start + dt.timedelta(hours=hours), reserve=price + increment, deposit_amount=Decimal(50000),
        timed_minutes=30), now=start - dt.timedelta(days=1))
    services.approve(session, operator, auction)
    bidders = []
    for org, user in buyers[:2]:
        who = accounts.actor_for(user)
        bidder = services.register(session, who, auction, org.id, agreement=True, now=start - dt.timedelta(hours=2))
        services.qualify(session, operator, bidder)
        deposit = deposits.deposit_for(session, auction, org.id)
        assert deposit is not None
        deposits.secure(session, operator, deposit, gateway="offline", reference=f"DEMO-BANK-{auction.id}-{org.id}")
        bidders.append(who)
    for org, user in buyers[2:2 + waiting]:
        late = services.register(session, accounts.actor_for(user), auction, org.id, agreement=True,
                                 now=start - dt.timedelta(hours=1))
        services.qualify(session, operator, late)
    amount = price
    for n in range(bids):
        bidding.place(session, bidders[n % 2], auction.id, amount, f"demo-{auction.id}-{n}",
                      now=start + dt.timedelta(minutes=10 * (n + 1)))
        amount += increment * (n + 1)
    return auction, bidders


def _past(session: Session, operator: Actor, listing: Listing, start: dt.datetime, outcome: str) -> bool:
    """An auction held ``start`` (in a past month), closed through the services with the clock of then; its deal
    and draft contract are dated the day it closed (a demo-only shortcut like the contracts loader's, audited)."""
    made = _auction(session, operator, listing, start, 2, bids=0 if outcome == "failed" else 3)
    if made is None:
        return False
    auction, bidders = made
    closing.refresh(session, auction, auction.ends_at)
    deal = session.scalar(select(Deal).where(Deal.auction_id == auction.id))
    if deal is not None:
        closed_on = to_local(auction.ends_at).date()
        before = {"concluded_on": deal.concluded_on, "created_at": deal.created_at}
        deal.created_at, deal.concluded_on = auction.ends_at, deal.concluded_on and closed_on
        contract = session.get(Contract, deal.contract_id) if deal.contract_id is not None else None
        if contract is not None:
            contract.created_at, contract.signed_on = auction.ends_at, closed_on
        session.flush()
        audit.record(session, Actor.system("demo"), "deal", deal.id, "demo_backdate", before,
                     {"concluded_on": deal.concluded_on, "created_at": deal.created_at})
    if outcome == "annulled":
        objection = results.object_to(session, bidders[0], auction, "成交人与卖方存在关联关系，请求撤销成交结果。")
        results.decide(session, operator, objection, "uphold", "经核实异议成立：成交人为卖方关联方，成交结果撤销。")
    elif outcome == "final":
        closing.finalise_if_due(session, auction, local_today())
    return True


def load_auctions(session: Session) -> int:
    """Add the running and the closed demo auction when the demo holds none; returns how many were added."""
    if session.scalar(select(Auction.id).limit(1)) is not None:
        return 0
    operator_user = session.scalar(select(User).join(UserRole).where(UserRole.role == Role.OPERATOR.value)
                                   .order_by(User.id).limit(1))
    used = set(session.scalars(select(Sale.listing_id))) | set(session.scalars(select(Negotiation.listing_id))) \
        | set(session.scalars(select(Deal.listing_id)))
    listings = [listing for listing in _candidates(session) if listing.id not in used]
    if operator_user is None or len(listings) < 2:
        return 0
    operator = accounts.actor_for(operator_user)
    now = utcnow().replace(microsecond=0)
    added = 0
    if _auction(session, operator, listings[0], now - dt.timedelta(hours=1), 48, waiting=1) is not None:
        added += 1
    closed = _auction(session, operator, listings[1], now - dt.timedelta(days=1), 2)
    if closed is not None:
        closing.refresh(session, closed[0], now)  # ended a day ago: closes, sold, in 成交公示
        added += 1
    older = iter(listings[2:])
    for days, outcome in PAST:
        start = (now - dt.timedelta(days=days)).replace(hour=2, minute=0, second=0)  # 10:00 in Shanghai
        listing = next((x for x in older if x.published_at is not None
                        and x.published_at < start - dt.timedelta(days=7)), None)
        if listing is not None and _past(session, operator, listing, start, outcome):
            added += 1
    session.flush()
    return added
