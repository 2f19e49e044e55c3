"""Who hears of what in auctions: the operator of requests and objections, the seller of decisions and the
result, bidders of their qualification, the result and their deposit's refund."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.notifications import notify
from techmarket.core import events
from techmarket.core.events import DomainEvent
from techmarket.trading.access import member_ids, operator_ids
from techmarket.trading.auctions import closing, tasks
from techmarket.trading.auctions.models import Auction, AuctionBidder, AuctionDeposit, AuctionObjection


def _bidder_orgs(session: Session, auction: Auction) -> list[int]:
    return list(session.scalars(select(AuctionBidder.organisation_id).where(AuctionBidder.auction_id == auction.id)))


def on_auction(session: Session, event: DomainEvent) -> None:
    auction: Auction = event.subject
    params = {"title": auction.listing.title, "reason": str(event.data.get("reason") or "")}
    verb = event.verb
    if verb in ("requested", "relisted"):
        notify(session, operator_ids(session), "auction_requested", params, "auctions.console")
    elif verb in ("approved", "refused"):
        notify(session, member_ids(session, auction.seller_org_id), f"auction_{verb}", params, "auctions.detail",
               auction_id=auction.id)
    elif verb in ("sold", "failed"):
        people = member_ids(session, auction.seller_org_id, *_bidder_orgs(session, auction))
        notify(session, people, f"auction_{verb}", params, "auctions.detail", auction_id=auction.id)


def on_bidder(session: Session, event: DomainEvent) -> None:
    bidder: AuctionBidder = event.subject
    if event.verb in ("qualified", "refused"):
        notify(session, member_ids(session, bidder.organisation_id), f"auction_bidder_{event.verb}",
               {"title": bidder.auction.listing.title, "reason": str(event.data.get("reason") or "")},
               "auctions.detail", auction_id=bidder.auction_id)


def on_deposit(session: Session, event: DomainEvent) -> None:
    deposit: AuctionDeposit = event.subject
    if event.verb == "released":
        notify(session, member_ids(session, deposit.organisation_id), "deposit_released",
               {"title": deposit.auction.listing.title, "date": str(deposit.refund_due_on or "")},
               "auctions.detail", auction_id=deposit.auction_id)


def on_objection(session: Session, event: DomainEvent) -> None:
    objection: AuctionObjection = event.subject
    if event.verb == "submitted":
        notify(session, operator_ids(session), "objection_submitted", {"title": objection.auction.listing.title},
               "auctions.operate", auction_id=objection.auction_id)


def register() -> None:
    events.on("auction.*", on_auction)
    events.on("auction.annulled", closing.annulled)
    events.on("auction_bidder.*", on_bidder)
    events.on("deposit.*", on_deposit)
    events.on("auction_objection.*", on_objection)
    tasks.register()
