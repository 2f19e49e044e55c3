"""Negotiation (协商): offers and counter-offers in one thread per buyer and listing, until one is accepted.

Every step goes through :func:`techmarket.core.workflow.apply` (the tables in :mod:`workflow`); an accepted
offer becomes a deal (:mod:`deals`). Offers past their validity expire when read and by the due job.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core import audit, events
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.db import get_or_not_found
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.workflow import apply
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import InquiryThread, Listing
from techmarket.trading import access, deals, machines
from techmarket.trading.constants import OfferStatus, ThreadStatus
from techmarket.trading.models import Deal, Negotiation, Offer
from techmarket.trading.terms import OfferData, check_offer


def tradable(listing: Listing) -> None:
    if listing.kind != Kind.ACHIEVEMENT or listing.status != Status.PUBLISHED:
        raise Conflict(_l("Only a published achievement can be traded."))


def side_of(session: Session, actor: Actor, thread: Negotiation) -> str | None:
    mine = access.org_ids_of(session, actor)
    if thread.seller_org_id in mine:
        return "seller"
    return "buyer" if thread.buyer_org_id in mine else None


def require_party(session: Session, actor: Actor, thread: Negotiation) -> str:
    side = side_of(session, actor, thread)
    if side is None and not actor.is_operator:
        raise PermissionDenied(_l("Only the parties of this negotiation may see it."))
    return side or ""


def _add_offer(session: Session, actor: Actor, thread: Negotiation, side: str, data: OfferData) -> Offer:
    errors = check_offer(thread.listing, data)
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    offer = Offer(negotiation=thread, seq=len(thread.offers) + 1, side=side, made_by_id=actor.user_id,
                  status=OfferStatus.PENDING.value, price=data.price, price_min=data.price_min,
                  price_max=data.price_max, mode=data.mode, payment_note=data.payment_note,
                  licence_scope=data.licence_scope, licence_years=data.licence_years, territory=data.territory,
                  valid_until=data.valid_until, note=data.note)
    session.add(offer)
    session.flush()
    snapshot = machines.offer_snapshot(offer)
    audit.record(session, actor, "offer", offer.id, "make", None, snapshot)
    events.publish(session, events.DomainEvent("offer.made", "offer", offer.id, actor, snapshot, subject=offer))
    return offer


def open_offer(session: Session, actor: Actor, listing: Listing, buyer_org_id: int | None, data: OfferData, *,
               inquiry: InquiryThread | None = None) -> Offer:
    """A member of a verified organisation (not the owner's) offers; the thread is made on the first offer."""
    tradable(listing)
    buyer = access.buying_org(session, actor, buyer_org_id, listing.organisation_id)
    thread = session.scalar(select(Negotiation).where(Negotiation.listing_id == listing.id,
                                                      Negotiation.buyer_org_id == buyer.id))
    if thread is None:
        thread = Negotiation(listing=listing, seller_org_id=listing.organisation_id, buyer_org_id=buyer.id,
                             started_by_id=actor.user_id, status=ThreadStatus.OPEN.value,
                             inquiry_thread_id=inquiry.id if inquiry is not None else None)
        session.add(thread)
        session.flush()
        audit.record(session, actor, "negotiation", thread.id, "open", None, {"listing": listing.id,
                                                                              "buyer": buyer.id})
    return offer_in(session, actor, thread, data)


def offer_in(session: Session, actor: Actor, thread: Negotiation, data: OfferData) -> Offer:
    """A new offer in a thread with no offer waiting (after a rejection, or the first one)."""
    side = side_of(session, actor, thread)
    if side is None:
        raise PermissionDenied(_l("Only the parties of this negotiation may do this."))
    expire_thread(session, thread)
    if thread.status != ThreadStatus.OPEN:
        raise Conflict(_l("This negotiation is over: no more offers."))
    tradable(thread.listing)
    current = thread.current
    if current is not None and current.status == OfferStatus.PENDING:
        raise Conflict(_l("An offer is waiting for an answer: accept, reject or counter it, or withdraw yours."))
    return _add_offer(session, actor, thread, side, data)


def counter(session: Session, actor: Actor, offer: Offer, data: OfferData, *,
            expected_version: int | None = None) -> Offer:
    """The side an offer was made to answers it with other terms (a new offer from that side)."""
    expire_thread(session, offer.negotiation)
    apply(session, actor, machines.OFFER, offer, "counter", expected_version=expected_version)
    side = "seller" if offer.side == "buyer" else "buyer"
    return _add_offer(session, actor, offer.negotiation, side, data)


def accept(session: Session, actor: Actor, offer: Offer, *, expected_version: int | None = None) -> Deal:
    """The other side accepts: the thread is agreed and the offer becomes a deal."""
    expire_thread(session, offer.negotiation)
    if offer.status == OfferStatus.PENDING and offer.price is None:
        raise Conflict(_l("A 面议 range cannot be accepted as it is: counter it with a price."))
    tradable(offer.negotiation.listing)
    apply(session, actor, machines.OFFER, offer, "accept", expected_version=expected_version)
    thread = offer.negotiation
    apply(session, actor, machines.THREAD, thread, "agree", offer=offer.seq)
    assert offer.price is not None
    return deals.make(session, actor, thread.listing, thread.buyer_org_id, offer.price, offer.mode, offer=offer)


def reject(session: Session, actor: Actor, offer: Offer, reason: str, *, expected_version: int | None = None) -> Offer:
    expire_thread(session, offer.negotiation)
    return apply(session, actor, machines.OFFER, offer, "reject", expected_version=expected_version, reason=reason).obj


def withdraw(session: Session, actor: Actor, offer: Offer, *, expected_version: int | None = None) -> None:
    apply(session, actor, machines.OFFER, offer, "withdraw", expected_version=expected_version)


def close(session: Session, actor: Actor, thread: Negotiation, *, expected_version: int | None = None) -> None:
    """Either side ends the negotiation; a waiting offer is withdrawn or lapses with it."""
    current = thread.current
    apply(session, actor, machines.THREAD, thread, "close", expected_version=expected_version)
    if current is not None and current.status == OfferStatus.PENDING:
        apply(session, Actor.system("negotiation closed"), machines.OFFER, current, "expire")


def expire_thread(session: Session, thread: Negotiation, today: dt.date | None = None) -> bool:
    """Lazily expire the thread's waiting offer when its validity has passed; whether it did."""
    current = thread.current
    if current is None or current.status != OfferStatus.PENDING or current.valid_until >= (today or local_today()):
        return False
    apply(session, Actor.system("offer expiry"), machines.OFFER, current, "expire")
    return True


def expire_due(session: Session, today: dt.date | None = None) -> int:
    """The due job: every waiting offer past its validity expires; returns how many."""
    today = today or local_today()
    due = session.scalars(select(Offer).where(Offer.status == OfferStatus.PENDING, Offer.valid_until < today)).all()
    system = Actor.system("offer expiry")
    for offer in due:
        apply(session, system, machines.OFFER, offer, "expire")
    return len(due)


def get_offer(session: Session, offer_id: int) -> Offer:
    return get_or_not_found(session, Offer, offer_id, _l("No such offer."))


def get_thread(session: Session, thread_id: int) -> Negotiation:
    return get_or_not_found(session, Negotiation, thread_id, _l("No such negotiation."))
