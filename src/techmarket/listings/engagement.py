"""Bookmarks, view counts and inquiry threads (the start of every negotiation)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from techmarket.accounts.notifications import notify
from techmarket.core import audit, events
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import NotFound, PermissionDenied, ValidationFailed
from techmarket.listings.constants import Status
from techmarket.listings.models import Bookmark, InquiryMessage, InquiryThread, Listing
from techmarket.listings.services import is_member, owner_ids
from techmarket.orgs.models import Membership, Organisation

MESSAGE_MAX = 5000


def toggle_bookmark(session: Session, actor: Actor, listing: Listing) -> bool:
    """Bookmark or un-bookmark; returns whether it is bookmarked now."""
    if actor.user_id is None:
        raise PermissionDenied(_l("Sign in to keep bookmarks."))
    existing = session.scalar(select(Bookmark).where(Bookmark.user_id == actor.user_id,
                                                     Bookmark.listing_id == listing.id))
    if existing is not None:
        session.delete(existing)
        session.flush()
        return False
    if listing.status != Status.PUBLISHED:
        raise NotFound(_l("This listing is not public."))
    session.add(Bookmark(user_id=actor.user_id, listing_id=listing.id))
    session.flush()
    return True


def is_bookmarked(session: Session, user_id: int | None, listing_id: int) -> bool:
    if user_id is None:
        return False
    return session.scalar(select(Bookmark.id).where(Bookmark.user_id == user_id,
                                                    Bookmark.listing_id == listing_id)) is not None


def record_view(session: Session, listing_id: int, n: int = 1) -> None:
    """Count ``n`` views with one UPDATE (no read-modify-write race, no version bump). Pages count views
    through :mod:`techmarket.listings.view_counts`, which buffers them and calls this in batches."""
    session.execute(update(Listing).where(Listing.id == listing_id)
                    .values(view_count=Listing.view_count + n).execution_options(synchronize_session=False))


def verified_orgs_of(session: Session, user_id: int | None) -> list[Organisation]:
    if user_id is None:
        return []
    return list(session.scalars(select(Organisation).join(Membership).where(
        Membership.user_id == user_id, Organisation.status == "verified").order_by(Organisation.name)))


def _clean(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationFailed(_l("Write a message."), field_errors={"body": _l("Write a message.")})
    if len(body) > MESSAGE_MAX:
        raise ValidationFailed(_l("At most %(n)d characters.", n=MESSAGE_MAX),
                               field_errors={"body": _l("At most %(n)d characters.", n=MESSAGE_MAX)})
    return body


def ask(session: Session, actor: Actor, listing: Listing, org: Organisation, body: str) -> InquiryThread:
    """A member of a verified organisation asks about a published listing (one thread per organisation)."""
    body = _clean(body)
    if listing.status != Status.PUBLISHED:
        raise NotFound(_l("This listing is not public."))
    if not org.is_verified or not is_member(session, actor, org.id):
        raise PermissionDenied(_l("Inquiries are sent by members of verified organisations."))
    if org.id == listing.organisation_id:
        raise ValidationFailed(_l("This is your own organisation's listing."),
                               field_errors={"org_id": _l("Choose another organisation.")})
    thread = session.scalar(select(InquiryThread).where(InquiryThread.listing_id == listing.id,
                                                        InquiryThread.organisation_id == org.id))
    if thread is None:
        thread = InquiryThread(listing_id=listing.id, organisation_id=org.id, started_by_id=actor.user_id)
        session.add(thread)
        session.execute(update(Listing).where(Listing.id == listing.id)
                        .values(inquiry_count=Listing.inquiry_count + 1)
                        .execution_options(synchronize_session=False))
        session.flush()
        events.publish(session, events.DomainEvent("inquiry.opened", "inquiry", thread.id, actor,
                                                   {"listing_id": listing.id}, subject=thread))
    _post(session, actor, thread, body, from_owner=False)
    notify(session, owner_ids(session, listing.organisation_id), "inquiry_received",
           {"title": listing.title, "org": org.name}, "listings.thread", thread_id=thread.id)
    events.publish(session, events.DomainEvent("inquiry.received", "inquiry", thread.id, actor,
                                               {"listing_id": listing.id, "from_organisation_id": org.id},
                                               subject=thread))
    return thread


def reply(session: Session, actor: Actor, thread: InquiryThread, body: str) -> InquiryMessage:
    body = _clean(body)
    owner_side = is_member(session, actor, thread.listing.organisation_id)
    asker_side = is_member(session, actor, thread.organisation_id)
    if not (owner_side or asker_side):
        raise PermissionDenied(_l("Only the two sides of this conversation may write in it."))
    message = _post(session, actor, thread, body, from_owner=owner_side)
    other = thread.organisation_id if owner_side else thread.listing.organisation_id
    notify(session, owner_ids(session, other), "inquiry_reply", {"title": thread.listing.title},
           "listings.thread", thread_id=thread.id)
    return message


def _post(session: Session, actor: Actor, thread: InquiryThread, body: str, *, from_owner: bool) -> InquiryMessage:
    message = InquiryMessage(author_id=actor.user_id, body=body, from_owner=from_owner)
    thread.messages.append(message)
    thread.last_message_at = utcnow()
    session.flush()
    audit.record(session, actor, "inquiry", thread.id, "message", None,
                 {"listing_id": thread.listing_id, "from_owner": from_owner, "length": len(body)})
    return message


def can_read_thread(session: Session, actor: Actor, thread: InquiryThread) -> bool:
    return is_member(session, actor, thread.organisation_id) or is_member(
        session, actor, thread.listing.organisation_id)
