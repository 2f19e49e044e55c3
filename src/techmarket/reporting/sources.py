"""What the statistics count, one :class:`Source` per kind of object.

A source names the events that may change what an object counts for, a query of every object that may count
(for the rebuild) and ``collect``: for a batch of ids, what each object adds to the tally now (``None`` when it
counts for nothing, a withdrawn listing or a rescinded contract). Adding a source (the claims of the incentives
domain, calls, auctions) is one ``collect`` function and one :func:`register` call; the tally, the rebuild, the
dashboards and the yearly report pick it up by name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from techmarket.challenges.constants import PUBLIC_STATUSES, CallStatus
from techmarket.challenges.models import Call
from techmarket.contracts.constants import Status as ContractStatus
from techmarket.contracts.models import Contract
from techmarket.core.clock import to_local
from techmarket.incentives.claims.models import SubsidyClaim
from techmarket.incentives.claims.workflow import Status as ClaimStatus
from techmarket.incentives.models import Disbursement
from techmarket.listings.constants import Status as ListingStatus
from techmarket.listings.models import InquiryThread, Listing, ListingTag
from techmarket.orgs.models import Division, Organisation
from techmarket.trading.auctions.constants import AuctionStatus
from techmarket.trading.auctions.models import Auction
from techmarket.trading.constants import DealStatus
from techmarket.trading.models import Deal

ALL = "all"
"""The dimension every counted object has exactly once (totals by month and 盟市 read it)."""


@dataclass(frozen=True)
class Contribution:
    """What one object adds: one to the count of each cell, ``amount`` to each cell's amount."""

    month: str  # YYYY-MM in Asia/Shanghai
    prefecture_code: str
    amount: Decimal
    cells: tuple[tuple[str, str], ...]  # (dimension, value); (ALL, "") always first


Collect = Callable[[Session, Sequence[int]], Mapping[int, Contribution]]


@dataclass(frozen=True)
class Source:
    name: str
    label: Any
    events: tuple[str, ...]
    ids: Callable[[], Select[Any]]
    collect: Collect
    amount_label: Any = None  # None: the source has no amount worth showing
    dimensions: tuple[str, ...] = ()
    public: bool = True


SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    SOURCES[source.name] = source


def month_of(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        value = to_local(value)
    return f"{value.year:04d}-{value.month:02d}"


def contribution(month: str, prefecture: str | None, amount: Decimal | None,
                 groups: Mapping[str, Sequence[str]]) -> Contribution:
    cells = [(ALL, "")] + [(dim, str(v)) for dim, values in groups.items() for v in sorted(set(values)) if v]
    return Contribution(month, prefecture or "", amount if amount is not None else Decimal(0), tuple(cells))


def _fields(session: Session, listing_ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if listing_ids:
        for listing_id, value in session.execute(select(ListingTag.listing_id, ListingTag.value).where(
                ListingTag.listing_id.in_(listing_ids), ListingTag.facet == "field")):
            out[listing_id].append(value)
    return out


# --- listings published (withdrawn ones drop out) ------------------------------------------------------------

COUNTED_LISTINGS = (ListingStatus.PUBLISHED.value, ListingStatus.CLOSED.value, ListingStatus.EXPIRED.value)


def _collect_listings(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = session.execute(select(Listing.id, Listing.kind, Listing.prefecture_code, Listing.published_at).where(
        Listing.id.in_(ids), Listing.status.in_(COUNTED_LISTINGS), Listing.published_at.is_not(None))).all()
    fields = _fields(session, [r.id for r in rows])
    return {r.id: contribution(month_of(r.published_at), r.prefecture_code, None,
                               {"kind": [r.kind], "field": fields.get(r.id, [])}) for r in rows}


# --- inquiries (threads opened on a listing) -----------------------------------------------------------------

def _collect_inquiries(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = session.execute(select(InquiryThread.id, InquiryThread.created_at, InquiryThread.listing_id,
                                  Listing.kind, Listing.prefecture_code)
                           .join(Listing, Listing.id == InquiryThread.listing_id)
                           .where(InquiryThread.id.in_(ids))).all()
    fields = _fields(session, list({r.listing_id for r in rows}))
    return {r.id: contribution(month_of(r.created_at), r.prefecture_code, None,
                               {"kind": [r.kind], "field": fields.get(r.listing_id, [])}) for r in rows}


# --- deals concluded ---------------------------------------------------------------------------------------

def _collect_deals(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = session.execute(select(Deal.id, Deal.listing_id, Deal.amount, Deal.mode, Deal.concluded_on,
                                  Listing.prefecture_code).join(Listing, Listing.id == Deal.listing_id)
                           .where(Deal.id.in_(ids), Deal.status == DealStatus.CONCLUDED.value,
                                  Deal.concluded_on.is_not(None))).all()
    fields = _fields(session, list({r.listing_id for r in rows}))
    return {r.id: contribution(month_of(r.concluded_on), r.prefecture_code, r.amount,
                               {"mode": [r.mode], "field": fields.get(r.listing_id, [])}) for r in rows}


# --- contracts registered (技术交易额; rescinded ones drop out) ---------------------------------------------

def _collect_contracts(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = session.execute(select(Contract.id, Contract.type_code, Contract.prefecture_code, Contract.registered_on,
                                  Contract.technical_amount, Contract.listing_id).where(
        Contract.id.in_(ids), Contract.status == ContractStatus.REGISTERED.value,
        Contract.registered_on.is_not(None))).all()
    fields = _fields(session, list({r.listing_id for r in rows if r.listing_id is not None}))
    return {r.id: contribution(month_of(r.registered_on), r.prefecture_code, r.technical_amount,
                               {"type": [r.type_code], "field": fields.get(r.listing_id or 0, [])}) for r in rows}


# --- post-subsidies and rewards paid ------------------------------------------------------------------------

def _collect_disbursements(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = session.execute(select(Disbursement.id, Disbursement.kind, Disbursement.amount, Disbursement.paid_on,
                                  Division.code, Division.level, Division.parent_code)
                           .join(Organisation, Organisation.id == Disbursement.organisation_id)
                           .outerjoin(Division, Division.code == Organisation.division_code)
                           .where(Disbursement.id.in_(ids), Disbursement.status == "paid",
                                  Disbursement.paid_on.is_not(None))).all()
    out = {}
    for r in rows:
        prefecture = (r.parent_code if r.level == "county" else r.code) if r.code else None
        out[r.id] = contribution(month_of(r.paid_on), prefecture, r.amount, {"kind": [r.kind]})
    return out


# --- subsidy claims granted (approved, in publicity or listed) and paid; by the role's clause -----------------

GRANTED_CLAIMS = (ClaimStatus.APPROVED.value, ClaimStatus.PUBLICITY.value, ClaimStatus.LISTED.value)


def _collect_claims(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = session.execute(select(SubsidyClaim.id, SubsidyClaim.role, SubsidyClaim.prefecture_code,
                                  SubsidyClaim.granted_amount, SubsidyClaim.decided_at).where(
        SubsidyClaim.id.in_(ids), SubsidyClaim.status.in_(GRANTED_CLAIMS), SubsidyClaim.granted_amount > 0,
        SubsidyClaim.decided_at.is_not(None))).all()
    return {r.id: contribution(month_of(r.decided_at), r.prefecture_code, r.granted_amount, {"clause": [r.role]})
            for r in rows}


def _collect_claims_paid(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = session.execute(select(Disbursement.id, Disbursement.amount, Disbursement.paid_on, SubsidyClaim.role,
                                  SubsidyClaim.prefecture_code)
                           .join(SubsidyClaim, SubsidyClaim.id == Disbursement.claim_id)
                           .where(Disbursement.id.in_(ids), Disbursement.status == "paid",
                                  Disbursement.paid_on.is_not(None))).all()
    return {r.id: contribution(month_of(r.paid_on), r.prefecture_code, r.amount, {"clause": [r.role]})
            for r in rows}


# --- 揭榜挂帅 calls published (by the outcome so far) and awarded; the bounty is the amount ---------------------

def _collect_calls(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = session.execute(select(Call.id, Call.status, Call.field, Call.prefecture_code, Call.bounty,
                                  Call.published_at).where(
        Call.id.in_(ids), Call.status.in_([str(s) for s in PUBLIC_STATUSES]), Call.published_at.is_not(None))).all()
    return {r.id: contribution(month_of(r.published_at), r.prefecture_code, r.bounty,
                               {"outcome": [r.status], "field": [r.field]}) for r in rows}


def _collect_calls_awarded(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = session.execute(select(Call.id, Call.field, Call.prefecture_code, Call.bounty, Call.awarded_at).where(
        Call.id.in_(ids), Call.status == CallStatus.AWARDED.value, Call.awarded_at.is_not(None))).all()
    return {r.id: contribution(month_of(r.awarded_at), r.prefecture_code, r.bounty, {"field": [r.field]})
            for r in rows}


# --- auctions held (closed: 成交, 流拍 or annulled), concluded (成交, the final price) and failed (流拍) ----------

AUCTION_RESULTS = {"concluded": _l("Concluded (成交)"), "failed": _l("Failed (流拍)"),
                   "annulled": _l("Annulled after an objection")}
_RESULT_OF = {AuctionStatus.SOLD.value: "concluded", AuctionStatus.PUBLICITY.value: "concluded",
              AuctionStatus.FINAL.value: "concluded", AuctionStatus.FAILED.value: "failed",
              AuctionStatus.ANNULLED.value: "annulled",
              # withdrawn by the owner after a 流拍 (closed without a winner): it was held and failed
              AuctionStatus.WITHDRAWN.value: "failed"}


def auction_result(status: str, closed: bool, winner: bool) -> str | None:
    """What a held auction came to, counted in the month it closed; ``None`` while it was not held (a draft, a
    relisting waiting for its new close, one withdrawn before it ran)."""
    if not closed or (status == AuctionStatus.WITHDRAWN and winner):
        return None
    return _RESULT_OF.get(status)


def _auction_rows(session: Session, ids: Sequence[int]) -> list[Any]:
    rows = session.execute(select(Auction.id, Auction.status, Auction.trade_mode, Auction.final_amount,
                                  Auction.closed_at, Auction.winner_bidder_id, Auction.listing_id,
                                  Listing.prefecture_code).join(Listing, Listing.id == Auction.listing_id)
                           .where(Auction.id.in_(ids), Auction.closed_at.is_not(None))).all()
    return [r for r in rows if auction_result(r.status, r.closed_at is not None, r.winner_bidder_id is not None)]


def _collect_auctions(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
    rows = _auction_rows(session, ids)
    fields = _fields(session, list({r.listing_id for r in rows}))
    return {r.id: contribution(month_of(r.closed_at), r.prefecture_code, None, {
        "result": [auction_result(r.status, True, r.winner_bidder_id is not None) or ""],
        "field": fields.get(r.listing_id, [])}) for r in rows}


def _collect_auctions_with(result: str) -> Collect:
    def collect(session: Session, ids: Sequence[int]) -> dict[int, Contribution]:
        rows = [r for r in _auction_rows(session, ids)
                if auction_result(r.status, True, r.winner_bidder_id is not None) == result]
        fields = _fields(session, list({r.listing_id for r in rows}))
        return {r.id: contribution(month_of(r.closed_at), r.prefecture_code,
                                   r.final_amount if result == "concluded" else None,
                                   {"mode": [r.trade_mode], "field": fields.get(r.listing_id, [])}) for r in rows}

    collect.__name__ = f"_collect_auctions_{result}"
    return collect


register(Source("listing", _l("Listings published"), ("listing.*",), lambda: select(Listing.id),
                _collect_listings, dimensions=("kind", "field")))
register(Source("inquiry", _l("Inquiries"), ("inquiry.*",), lambda: select(InquiryThread.id),
                _collect_inquiries, dimensions=("kind", "field")))
register(Source("deal", _l("Deals concluded"), ("deal.*",), lambda: select(Deal.id), _collect_deals,
                amount_label=_l("Deal amount"), dimensions=("mode", "field")))
register(Source("contract", _l("Registered contracts"), ("contract.*",), lambda: select(Contract.id),
                _collect_contracts, amount_label=_l("Technical transaction amount"), dimensions=("type", "field")))
register(Source("disbursement", _l("Subsidies and rewards paid"), ("contract_disbursement.*",),
                lambda: select(Disbursement.id), _collect_disbursements, amount_label=_l("Amount paid"),
                dimensions=("kind",), public=False))
register(Source("claim", _l("Subsidy claims granted"), ("subsidy_claim.*",), lambda: select(SubsidyClaim.id),
                _collect_claims, amount_label=_l("Amount granted"), dimensions=("clause",), public=False))
register(Source("claim_paid", _l("Subsidy claims paid"), ("contract_disbursement.*",),
                lambda: select(Disbursement.id).where(Disbursement.claim_id.is_not(None)), _collect_claims_paid,
                amount_label=_l("Amount paid"), dimensions=("clause",), public=False))
register(Source("call", _l("Calls (揭榜挂帅) published"), ("call.*",), lambda: select(Call.id), _collect_calls,
                amount_label=_l("Bounties offered"), dimensions=("outcome", "field")))
register(Source("call_awarded", _l("Calls (揭榜挂帅) awarded"), ("call.*",), lambda: select(Call.id),
                _collect_calls_awarded, amount_label=_l("Bounties awarded"), dimensions=("field",)))
register(Source("auction", _l("Auctions held"), ("auction.*",), lambda: select(Auction.id), _collect_auctions,
                dimensions=("result", "field")))
register(Source("auction_concluded", _l("Auctions concluded (成交)"), ("auction.*",), lambda: select(Auction.id),
                _collect_auctions_with("concluded"), amount_label=_l("Final prices"), dimensions=("mode", "field")))
register(Source("auction_failed", _l("Auctions failed (流拍)"), ("auction.*",), lambda: select(Auction.id),
                _collect_auctions_with("failed"), dimensions=("mode", "field")))
