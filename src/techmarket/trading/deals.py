"""Deals: what an accepted offer or a closed 挂牌 sale becomes.

A deal of a publicly funded result (``listing.fiscal_funded``) waits in publicity (公示) until its name and
price have been public for at least :data:`PUBLICITY_DAYS` days; every other deal concludes at once. Concluding
raises ``deal.concluded``, on which the contracts domain drafts the contract.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.workflow import apply
from techmarket.listings.models import Listing
from techmarket.trading import machines
from techmarket.trading.constants import PUBLICITY_DAYS, DealStatus
from techmarket.trading.models import Deal, Offer, Sale


def make(session: Session, actor: Actor, listing: Listing, buyer_org_id: int, amount: Decimal, mode: str, *,
         offer: Offer | None = None, sale: Sale | None = None, public_since: dt.date | None = None,
         auction_id: int | None = None, seller_org_id: int | None = None) -> Deal:
    """Record the deal and move it on: to publicity for a publicly funded result, else concluded.

    ``public_since``: the day the name and this price became public (a 挂牌 sale's start), if earlier than today.
    ``seller_org_id``: the seller when it is not the listing's owner (a reverse auction for a demand: the owner
    buys the service from the winner).
    """
    deal = Deal(listing_id=listing.id, seller_org_id=seller_org_id or listing.organisation_id,
                buyer_org_id=buyer_org_id, amount=amount, mode=mode, status=DealStatus.AGREED.value,
                offer_id=offer.id if offer is not None else None, sale_id=sale.id if sale is not None else None,
                auction_id=auction_id)
    if offer is not None:
        deal.payment_note, deal.licence_scope = offer.payment_note, offer.licence_scope
        deal.licence_years, deal.territory = offer.licence_years, offer.territory
    session.add(deal)
    session.flush()
    audit.record(session, actor, "deal", deal.id, "create", None, machines.deal_snapshot(deal))
    if listing.fiscal_funded:
        deal.publicity_until = (public_since or local_today()) + dt.timedelta(days=PUBLICITY_DAYS)
        apply(session, actor, machines.DEAL, deal, "publicise", publicity_until=deal.publicity_until.isoformat())
    settle(session, actor, deal)
    return deal


def settle(session: Session, actor: Actor, deal: Deal, today: dt.date | None = None) -> bool:
    """Conclude the deal when nothing holds it back any more; whether it concluded now."""
    today = today or local_today()
    if deal.status == DealStatus.PUBLICITY and deal.publicity_until is not None and deal.publicity_until > today:
        return False
    if deal.status not in (DealStatus.AGREED, DealStatus.PUBLICITY):
        return False
    deal.concluded_on = today
    apply(session, actor, machines.DEAL, deal, "conclude", amount=str(deal.amount))
    return True


def conclude_due(session: Session, today: dt.date | None = None) -> int:
    """The due job: deals whose publicity has ended conclude; returns how many."""
    today = today or local_today()
    due = session.scalars(select(Deal).where(Deal.status == DealStatus.PUBLICITY,
                                             Deal.publicity_until <= today)).all()
    system = Actor.system("trading due job")
    return sum(settle(session, system, d, today) for d in due)
