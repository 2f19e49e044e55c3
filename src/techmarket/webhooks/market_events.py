"""Catalogue rows of the market's other domains: an auction closed, a call awarded, a subsidy claim decided.

Calls and auctions are told to the organisations with a stake (the seller and the registered bidders; the
poster and the applicants) with their public facts only: bidders by pseudonym, winners of a call by the lead
organisation's name (public once awarded). A claim is told to its own organisation only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.challenges.constants import AppStatus
from techmarket.challenges.models import Application, Call
from techmarket.incentives.claims.models import SubsidyClaim
from techmarket.trading.auctions.constants import BidderStatus
from techmarket.trading.auctions.models import Auction, AuctionBidder


def auction_orgs(session: Session, auction_id: int) -> list[int]:
    auction = session.get(Auction, auction_id)
    if auction is None:
        return []
    bidders = session.scalars(select(AuctionBidder.organisation_id).where(
        AuctionBidder.auction_id == auction_id, AuctionBidder.status != BidderStatus.WITHDRAWN))
    return sorted({auction.seller_org_id, *bidders})


def auction(session: Session, auction_id: int) -> dict[str, Any]:
    row = session.get(Auction, auction_id)
    if row is None:
        return {"id": auction_id}
    winner = session.get(AuctionBidder, row.winner_bidder_id) if row.winner_bidder_id else None
    return {"id": row.id, "listing_id": row.listing_id, "mode": row.mode, "status": row.status,
            "bid_count": row.bid_count, "final_amount": str(row.final_amount) if row.final_amount is not None else None,
            "winner": winner.pseudonym if winner is not None else None,
            "closed_at": row.closed_at.isoformat() if row.closed_at else None,
            "publicity_until": row.publicity_until.isoformat() if row.publicity_until else None}


def call_orgs(session: Session, call_id: int) -> list[int]:
    call = session.get(Call, call_id)
    if call is None:
        return []
    leads = session.scalars(select(Application.lead_org_id).where(Application.call_id == call_id,
                                                                  Application.status != AppStatus.DRAFT))
    return sorted({call.poster_org_id, *leads})


def call(session: Session, call_id: int) -> dict[str, Any]:
    row = session.get(Call, call_id)
    if row is None:
        return {"id": call_id}
    winners = session.scalars(select(Application).where(Application.call_id == call_id,
                                                        Application.status == AppStatus.AWARDED)
                              .order_by(Application.id)).all()
    return {"id": row.id, "title": row.title, "status": row.status, "bounty": str(row.bounty),
            "awarded_at": row.awarded_at.isoformat() if row.awarded_at else None,
            "winners": [{"application_id": a.id, "organisation": a.lead_org.name} for a in winners]}


def claim_org(session: Session, claim_id: int) -> list[int]:
    row = session.get(SubsidyClaim, claim_id)
    return [row.organisation_id] if row is not None else []


def claim(session: Session, claim_id: int) -> dict[str, Any]:
    row = session.get(SubsidyClaim, claim_id)
    if row is None:
        return {"id": claim_id}
    return {"id": row.id, "status": row.status, "role": row.role, "claim_year": row.claim_year,
            "requested_amount": str(row.requested_amount),
            "granted_amount": str(row.granted_amount) if row.granted_amount is not None else None,
            "reason": row.last_reason, "decided_at": row.decided_at.isoformat() if row.decided_at else None}
