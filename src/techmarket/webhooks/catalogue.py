"""The event catalogue: which domain event becomes which public webhook event, for which organisations, with
what payload. One row per public event type; other domains' events (auction closed, call awarded, claim
decided) are rows made in :mod:`techmarket.webhooks.market_events`.

``organisations(session, object_id)`` names the organisations told; ``payload(session, object_id)`` is the
``data`` of the delivery (facts the receiving organisation may see; fetch more through the API).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.contracts.models import Contract, ContractParty
from techmarket.listings.models import InquiryThread, Listing
from techmarket.trading.models import Negotiation, Offer
from techmarket.webhooks import market_events as market


@dataclass(frozen=True)
class EventType:
    name: str  # the public name subscribers choose, "listing.published"
    source: str  # the domain event it comes from, "listing.approved"
    organisations: Callable[[Session, int], list[int]]
    payload: Callable[[Session, int], dict[str, Any]]
    description: Any = ""  # a lazy translatable string


def _listing_org(session: Session, listing_id: int) -> list[int]:
    listing = session.get(Listing, listing_id)
    return [listing.organisation_id] if listing is not None else []


def _listing(session: Session, listing_id: int) -> dict[str, Any]:
    listing = session.get(Listing, listing_id)
    if listing is None:
        return {"id": listing_id}
    return {"id": listing.id, "kind": listing.kind, "status": listing.status, "title": listing.title,
            "return_reason": listing.return_reason, "version": listing.version}


def _inquiry_org(session: Session, thread_id: int) -> list[int]:
    thread = session.get(InquiryThread, thread_id)
    return [thread.listing.organisation_id] if thread is not None else []


def _inquiry(session: Session, thread_id: int) -> dict[str, Any]:
    thread = session.get(InquiryThread, thread_id)
    if thread is None:
        return {"id": thread_id}
    return {"id": thread.id, "listing_id": thread.listing_id, "listing_title": thread.listing.title,
            "from_organisation": {"id": thread.organisation_id, "name": thread.organisation.name},
            "messages": len(thread.messages)}


def _offer_orgs(session: Session, offer_id: int) -> list[int]:
    row = session.execute(select(Offer.side, Negotiation.seller_org_id, Negotiation.buyer_org_id)
                          .join(Negotiation, Negotiation.id == Offer.negotiation_id)
                          .where(Offer.id == offer_id)).first()
    if row is None:
        return []
    side, seller, buyer = row
    return [seller if side == "buyer" else buyer]  # the side that received the offer


def _offer(session: Session, offer_id: int) -> dict[str, Any]:
    offer = session.get(Offer, offer_id)
    if offer is None:
        return {"id": offer_id}
    return {"id": offer.id, "negotiation_id": offer.negotiation_id, "side": offer.side, "status": offer.status,
            "price": str(offer.price) if offer.price is not None else None, "mode": offer.mode}


def _contract_orgs(session: Session, contract_id: int) -> list[int]:
    return sorted({o for o in session.scalars(select(ContractParty.organisation_id)
                                              .where(ContractParty.contract_id == contract_id)) if o})


def _contract(session: Session, contract_id: int) -> dict[str, Any]:
    contract = session.get(Contract, contract_id)
    if contract is None:
        return {"id": contract_id}
    return {"id": contract.id, "status": contract.status, "title": contract.title,
            "registration_number": contract.registration_number}


EVENT_TYPES: tuple[EventType, ...] = (
    EventType("listing.published", "listing.approved", _listing_org, _listing,
              _l("A listing of yours passed moderation and is public.")),
    EventType("listing.returned", "listing.returned", _listing_org, _listing,
              _l("Moderation returned a listing of yours, with the reason.")),
    EventType("inquiry.received", "inquiry.received", _inquiry_org, _inquiry,
              _l("Someone asked about a listing of yours (read it with GET /api/v1/inquiries).")),
    EventType("offer.made", "offer.made", _offer_orgs, _offer, _l("An offer was made to you in a negotiation.")),
    EventType("contract.registered", "contract.registered", _contract_orgs, _contract,
              _l("A contract you are a party to was registered (认定登记).")),
    EventType("contract.returned", "contract.returned", _contract_orgs, _contract,
              _l("A contract you are a party to was returned by the registrar.")),
    EventType("auction.closed", "auction.closed", market.auction_orgs, market.auction,
              _l("An auction you sell in or bid in closed (the winner by pseudonym).")),
    EventType("call.awarded", "call.awarded", market.call_orgs, market.call,
              _l("A call you posted or applied to was awarded (揭榜挂帅).")),
    EventType("subsidy_claim.approved", "subsidy_claim.approved", market.claim_org, market.claim,
              _l("A subsidy claim of yours was approved.")),
    EventType("subsidy_claim.refused", "subsidy_claim.refused", market.claim_org, market.claim,
              _l("A subsidy claim of yours was refused, with the reason.")),
    EventType("subsidy_claim.returned", "subsidy_claim.returned", market.claim_org, market.claim,
              _l("A subsidy claim of yours was returned for more material, with the reason.")),
)
BY_NAME: dict[str, EventType] = {e.name: e for e in EVENT_TYPES}
BY_SOURCE: dict[str, list[EventType]] = {}
for _event in EVENT_TYPES:
    BY_SOURCE.setdefault(_event.source, []).append(_event)
