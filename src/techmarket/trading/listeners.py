"""Who hears of what in trading: notifications to the other side, the seller, the buyer and the operator."""

from __future__ import annotations

from sqlalchemy.orm import Session

from techmarket.accounts.notifications import notify
from techmarket.core import events
from techmarket.core.events import DomainEvent
from techmarket.trading.access import member_ids, operator_ids
from techmarket.trading.auctions import listeners as auction_listeners
from techmarket.trading.models import Deal, Negotiation, Offer, Registration, Sale


def on_offer(session: Session, event: DomainEvent) -> None:
    offer: Offer = event.subject
    thread = offer.negotiation
    maker = thread.buyer_org if offer.side == "buyer" else thread.seller_org
    other = thread.seller_org if offer.side == "buyer" else thread.buyer_org
    params = {"title": thread.listing.title, "org": maker.name, "reason": str(event.data.get("reason") or "")}
    verb = event.verb
    if verb in ("made", "withdrawn"):
        to = other.id
    elif verb in ("accepted", "rejected", "expired"):
        to = maker.id
    else:
        return
    notify(session, member_ids(session, to), f"offer_{verb}", params, "trading.thread", thread_id=thread.id)


def on_thread(session: Session, event: DomainEvent) -> None:
    thread: Negotiation = event.subject
    if event.verb == "closed":
        notify(session, member_ids(session, thread.buyer_org_id, thread.seller_org_id) - {event.actor.user_id or 0},
               "negotiation_closed", {"title": thread.listing.title}, "trading.thread", thread_id=thread.id)


def on_sale(session: Session, event: DomainEvent) -> None:
    sale: Sale = event.subject
    params = {"title": sale.listing.title, "reason": str(event.data.get("reason") or "")}
    verb = event.verb
    if verb in ("requested", "relisted", "competing"):
        notify(session, operator_ids(session), "sale_competing" if verb == "competing" else "sale_requested",
               params, "trading.console")
    if verb in ("approved", "refused", "unsold", "competing"):
        notify(session, member_ids(session, sale.seller_org_id), f"sale_{verb}", params, "trading.sale",
               sale_id=sale.id)


def on_registration(session: Session, event: DomainEvent) -> None:
    reg: Registration = event.subject
    params = {"title": reg.sale.listing.title, "org": reg.buyer_org.name, "reason": str(event.data.get("reason") or "")}
    if event.verb == "made":
        notify(session, operator_ids(session), "registration_made", params, "trading.console")
    elif event.verb in ("qualified", "refused"):
        notify(session, member_ids(session, reg.buyer_org_id), f"registration_{event.verb}", params, "trading.sale",
               sale_id=reg.sale_id)


def on_deal(session: Session, event: DomainEvent) -> None:
    deal: Deal = event.subject
    if event.verb not in ("publicised", "concluded"):
        return
    params = {"title": deal.listing.title, "until": str(deal.publicity_until or "")}
    notify(session, member_ids(session, deal.seller_org_id, deal.buyer_org_id), f"deal_{event.verb}", params,
           "trading.deal", deal_id=deal.id)


def register() -> None:
    events.on("offer.*", on_offer)
    events.on("negotiation.*", on_thread)
    events.on("sale.*", on_sale)
    events.on("registration.*", on_registration)
    events.on("deal.*", on_deal)
    auction_listeners.register()
