"""Auctions: the owner asks for one (mode, prices, deposit, times), the operator approves it; organisations
register as bidders (the bidder agreement accepted, a random pseudonym, the deposit due) and the operator
checks their qualification (资格审查, as for 挂牌 buyers). Bidding is in :mod:`.bidding`, the close in
:mod:`.closing`."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core import audit, events
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.db import get_or_not_found
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.workflow import apply
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from techmarket.trading import access, deposits
from techmarket.trading.auctions import machines, modes
from techmarket.trading.auctions.constants import EXTENSION_MINUTES_DEFAULT, AuctionStatus, BidderStatus
from techmarket.trading.auctions.models import Auction, AuctionBidder, Objection
from techmarket.trading.models import Sale
from techmarket.trading.terms import price_error

ACTIVE = (AuctionStatus.DRAFT, AuctionStatus.SCHEDULED, AuctionStatus.OPEN)
PSEUDONYM_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass
class AuctionData:
    mode: str
    trade_mode: str
    start_price: Decimal | None
    increment: Decimal | None
    starts_at: dt.datetime | None
    free_ends_at: dt.datetime | None
    reserve: Decimal | None = None
    deposit_amount: Decimal | None = Decimal(0)
    timed_minutes: int | None = 30
    extension_minutes: int | None = EXTENSION_MINUTES_DEFAULT
    related_parties: str = ""


def _check(listing: Listing, data: AuctionData, now: dt.datetime) -> None:
    errors: dict[str, Any] = {}
    if data.mode not in modes.REGISTRY:
        errors["mode"] = _l("Choose an auction mode.")
    elif (data.mode == "reverse") != (listing.kind == Kind.DEMAND):
        errors["mode"] = _l("A reverse auction buys a service for a demand; an achievement is sold upward.")
    if listing.kind == Kind.ACHIEVEMENT and data.trade_mode not in listing.modes:
        errors["trade_mode"] = _l("Choose one of the listing's transaction modes.")
    for name in ("start_price", "increment"):
        if (msg := price_error(getattr(data, name))) is not None:
            errors[name] = msg
    for name in ("reserve", "deposit_amount"):
        value = getattr(data, name)
        if value is not None and (value != 0 or name == "reserve") and (msg := price_error(value)) is not None:
            errors[name] = msg
    if data.starts_at is None:
        errors["starts_at"] = _l("Give the date and time bidding starts.")
    elif data.starts_at < now - dt.timedelta(minutes=5):
        errors["starts_at"] = _l("Bidding cannot start in the past.")
    if data.free_ends_at is None or (data.starts_at is not None and data.free_ends_at <= data.starts_at):
        errors["free_ends_at"] = _l("Free bidding ends after it starts.")
    if data.extension_minutes is None or not 1 <= data.extension_minutes <= 60:
        errors["extension_minutes"] = _l("Between %(min)d and %(max)d minutes.", min=1, max=60)
    if data.timed_minutes is None or not (data.extension_minutes or 1) <= data.timed_minutes <= 24 * 60:
        errors["timed_minutes"] = _l("The timed period lasts at least the extension and at most a day.")
    if len(data.related_parties.strip()) > 2000:
        errors["related_parties"] = _l("At most %(n)d characters.", n=2000)
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)


def _fill(auction: Auction, data: AuctionData) -> None:
    assert data.free_ends_at is not None and data.timed_minutes is not None
    auction.mode, auction.trade_mode = data.mode, data.trade_mode
    auction.start_price, auction.increment = data.start_price, data.increment  # type: ignore[assignment]
    auction.reserve, auction.deposit_amount = data.reserve, data.deposit_amount or Decimal(0)
    auction.starts_at, auction.free_ends_at = data.starts_at, data.free_ends_at  # type: ignore[assignment]
    auction.timed_minutes = data.timed_minutes
    auction.ends_at = data.free_ends_at + dt.timedelta(minutes=data.timed_minutes)
    auction.extension_minutes = data.extension_minutes or EXTENSION_MINUTES_DEFAULT
    auction.related_parties = data.related_parties.strip()


def active_auction(session: Session, listing_id: int) -> Auction | None:
    return session.scalar(select(Auction).where(Auction.listing_id == listing_id, Auction.status.in_(ACTIVE))
                          .order_by(Auction.id.desc()).limit(1))


def latest_auction(session: Session, listing_id: int) -> Auction | None:
    """The listing's newest auction that the public may see (for the listing's trading box)."""
    return session.scalar(select(Auction).where(Auction.listing_id == listing_id, Auction.status.notin_(
        [AuctionStatus.DRAFT, AuctionStatus.REFUSED, AuctionStatus.WITHDRAWN])).order_by(Auction.id.desc()).limit(1))


def create(session: Session, actor: Actor, listing: Listing, data: AuctionData, *, now: dt.datetime | None = None,
           sale: Sale | None = None) -> Auction:
    """The owner asks for an auction of a published listing; the operator approves it."""
    if sale is None and listing.organisation_id not in access.org_ids_of(session, actor):
        raise PermissionDenied(_l("Only members of the owning organisation may put it up for auction."))
    if listing.status != Status.PUBLISHED:
        raise Conflict(_l("Only a published listing can be auctioned."))
    if active_auction(session, listing.id) is not None:
        raise Conflict(_l("This listing already has an auction."))
    _check(listing, data, now or utcnow())
    auction = Auction(listing=listing, seller_org_id=listing.organisation_id, status=AuctionStatus.DRAFT.value,
                      created_by_id=actor.user_id, sale_id=sale.id if sale is not None else None)
    _fill(auction, data)
    session.add(auction)
    session.flush()
    snapshot = machines.auction_snapshot(auction)
    audit.record(session, actor, "auction", auction.id, "create", None, snapshot)
    events.publish(session, events.DomainEvent("auction.requested", "auction", auction.id, actor, snapshot,
                                               subject=auction))
    return auction


def relist(session: Session, actor: Actor, auction: Auction, data: AuctionData, *, now: dt.datetime | None = None,
           expected_version: int | None = None) -> Auction:
    """流拍 (or refused): new times, the same or a lower start price; the operator approves again."""
    _check(auction.listing, data, now or utcnow())
    if auction.status == AuctionStatus.FAILED and data.start_price is not None and data.start_price > \
            auction.start_price and auction.mode != "reverse":
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors={
            "start_price": _l("A relisting keeps the start price or lowers it.")})
    apply(session, actor, machines.AUCTION, auction, "relist", expected_version=expected_version)
    _fill(auction, data)
    auction.high_amount = auction.high_bidder_id = auction.winner_bidder_id = auction.final_amount = None
    auction.bid_count, auction.extensions, auction.closed_at, auction.reason = 0, 0, None, ""
    session.flush()
    return auction


def approve(session: Session, actor: Actor, auction: Auction, *, expected_version: int | None = None) -> Auction:
    return apply(session, actor, machines.AUCTION, auction, "approve", expected_version=expected_version).obj


def refuse(session: Session, actor: Actor, auction: Auction, reason: str, *,
           expected_version: int | None = None) -> Auction:
    return apply(session, actor, machines.AUCTION, auction, "refuse", expected_version=expected_version,
                 reason=reason).obj


def withdraw(session: Session, actor: Actor, auction: Auction, *, expected_version: int | None = None) -> Auction:
    return apply(session, actor, machines.AUCTION, auction, "withdraw", expected_version=expected_version).obj


# --- bidders ---------------------------------------------------------------------------------------------------


def _pseudonym(auction: Auction) -> str:
    taken = {b.pseudonym for b in auction.bidders}
    while True:
        code = f"{secrets.choice(PSEUDONYM_LETTERS)}{secrets.randbelow(99) + 1}"
        if code not in taken:
            return code


def bidder_of(session: Session, actor: Actor, auction: Auction) -> AuctionBidder | None:
    """The actor's organisation's registration for this auction (the first, if the actor has several)."""
    mine = access.org_ids_of(session, actor)
    return next((b for b in auction.bidders if b.organisation_id in mine
                 and b.status != BidderStatus.WITHDRAWN), None)


def register(session: Session, actor: Actor, auction: Auction, org_id: int | None, *, agreement: bool,
             now: dt.datetime | None = None) -> AuctionBidder:
    """A verified organisation (not the seller) accepts the bidder agreement and registers to bid."""
    if auction.status not in (AuctionStatus.SCHEDULED, AuctionStatus.OPEN):
        raise Conflict(_l("Bidders register only before and while the auction runs."))
    if not agreement:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors={
            "agreement": _l("Accept the bidder agreement to register.")})
    org = access.buying_org(session, actor, org_id, auction.seller_org_id)
    now = now or utcnow()
    bidder = next((b for b in auction.bidders if b.organisation_id == org.id), None)
    if bidder is not None and bidder.status != BidderStatus.WITHDRAWN:
        if bidder.agreement_accepted_at is not None:
            raise Conflict(_l("%(org)s is already registered for this auction.", org=org.name))
        bidder.agreement_accepted_at = now  # registered from a 挂牌 sale: the agreement is all that was missing
        session.flush()
        audit.record(session, actor, "auction_bidder", bidder.id, "accept_agreement", None, {"at": now})
        return bidder
    assert actor.user_id is not None
    if bidder is None:
        bidder = AuctionBidder(auction=auction, organisation_id=org.id, pseudonym=_pseudonym(auction),
                               registered_by_id=actor.user_id)
        session.add(bidder)
    bidder.status, bidder.reason, bidder.agreement_accepted_at = BidderStatus.PENDING.value, "", now
    session.flush()
    audit.record(session, actor, "auction_bidder", bidder.id, "register", None,
                 {"auction": auction.id, "organisation": org.id, "pseudonym": bidder.pseudonym})
    events.publish(session, events.DomainEvent("auction_bidder.registered", "auction_bidder", bidder.id, actor,
                                               {"auction": auction.id}, subject=bidder))
    deposits.open_for(session, bidder)
    return bidder


def qualify(session: Session, actor: Actor, bidder: AuctionBidder, *, expected_version: int | None = None) -> None:
    access.require_operator(actor)
    auction = bidder.auction
    problems = access.org_problems(session, bidder.organisation_id, auction.seller_org_id, auction.related_codes)
    if problems:
        raise Conflict(_l("This organisation does not qualify: %(why)s", why="；".join(str(p) for p in problems)))
    apply(session, actor, machines.BIDDER, bidder, "qualify", expected_version=expected_version)


def refuse_bidder(session: Session, actor: Actor, bidder: AuctionBidder, reason: str, *,
                  expected_version: int | None = None) -> None:
    apply(session, actor, machines.BIDDER, bidder, "refuse", expected_version=expected_version, reason=reason)


def get_auction(session: Session, auction_id: int) -> Auction:
    return get_or_not_found(session, Auction, auction_id, _l("No such auction."))


def get_bidder(session: Session, bidder_id: int) -> AuctionBidder:
    return get_or_not_found(session, AuctionBidder, bidder_id, _l("No such bidder."))


def get_objection(session: Session, objection_id: int) -> Objection:
    return get_or_not_found(session, Objection, objection_id, _l("No such objection."))


def default_increment(price: Decimal) -> Decimal:
    """1 % of the starting price in whole hundreds of yuan, at least 100 yuan."""
    return max(Decimal(100), (price / 100 / 100).quantize(Decimal(1)) * 100)


def from_sale(session: Session, sale: Sale, now: dt.datetime | None = None) -> Auction:
    """A 挂牌 sale ended with two or more qualified buyers: an English auction with the listed price as the start,
    approved at once (the sale was approved), its qualified buyers registered as qualified bidders; each accepts
    the bidder agreement before bidding. Bidding starts the next day, for a day of free bidding and a timed half
    hour."""
    system = Actor.system("listing period end")
    now = now or utcnow()
    start = (now + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    data = AuctionData(mode="english", trade_mode=sale.mode, start_price=sale.price,
                       increment=default_increment(sale.price), starts_at=start,
                       free_ends_at=start + dt.timedelta(days=1), related_parties=sale.related_parties)
    auction = create(session, system, sale.listing, data, now=now, sale=sale)
    approve(session, system, auction)
    for reg in sale.registrations:
        if reg.status == "qualified":
            bidder = AuctionBidder(auction=auction, organisation_id=reg.buyer_org_id,
                                   pseudonym=_pseudonym(auction), registered_by_id=reg.registered_by_id,
                                   agreement_accepted_at=None, status=BidderStatus.PENDING.value)
            session.add(bidder)
            session.flush()
            apply(session, system, machines.BIDDER, bidder, "qualify", from_registration=reg.id)
    return auction
