"""Broker introductions: a broker sends a suggested match to both sides by opening an inquiry thread between
them, its first message quoting why the two fit.

Who is a broker: the operator, or a member of a verified technology transfer agency (an organisation of type
``transfer_agency``); the self-declared broker role alone is not enough.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from techmarket.accounts.notifications import notify
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.listings.constants import FIELDS, Kind, Status
from techmarket.listings.models import InquiryMessage, InquiryThread, Listing
from techmarket.listings.services import owner_ids
from techmarket.matching.scoring import FIELD, MODE, NEIGHBOUR, REGION, TERMS, Match
from techmarket.orgs.constants import OrgType
from techmarket.orgs.models import Membership, Organisation

REASON_MAX = 1000


def agency_of(session: Session, actor: Actor) -> Organisation | None:
    """The verified transfer agency the actor is a member of (the first one), if any."""
    if actor.user_id is None:
        return None
    return session.scalar(select(Organisation).join(Membership).where(
        Membership.user_id == actor.user_id, Organisation.org_type == OrgType.TRANSFER_AGENCY.value,
        Organisation.status == "verified").order_by(Organisation.id).limit(1))


def may_introduce(session: Session, actor: Actor) -> bool:
    return actor.user_id is not None and (actor.is_operator or agency_of(session, actor) is not None)


def match_reasons(match: Match | None) -> str:
    """The matcher's reasons in a line (in the current language)."""
    if match is None:
        return ""
    parts = []
    for reason in match.reasons:
        if reason.kind == TERMS:
            parts.append(_("shared terms: %(terms)s", terms="、".join(reason.values[:6])))
        elif reason.kind == FIELD:
            parts.append(_("same field: %(fields)s", fields="、".join(str(FIELDS.get(v, v)) for v in reason.values)))
        elif reason.kind in (REGION, NEIGHBOUR):
            parts.append(_("same or neighbouring league or city"))
        elif reason.kind == MODE:
            parts.append(_("the cooperation mode wanted is offered"))
    return "; ".join(parts)


def introduce(session: Session, actor: Actor, listing: Listing, candidate: Listing, reason: str,
              match: Match | None = None) -> InquiryThread:
    """Open (or continue) the inquiry thread between the demand's organisation and the achievement's, with the
    broker's introduction quoting ``reason`` and the matcher's reasons; both sides' owners are notified."""
    if not may_introduce(session, actor):
        raise PermissionDenied(_l("Only brokers of a verified technology transfer agency and the operator may "
                                  "introduce the two sides."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationFailed(_l("At most %(n)d characters.", n=REASON_MAX),
                               field_errors={"reason": _l("At most %(n)d characters.", n=REASON_MAX)})
    kinds = {listing.kind, candidate.kind}
    if kinds != {Kind.DEMAND.value, Kind.ACHIEVEMENT.value} or listing.status != Status.PUBLISHED or \
            candidate.status != Status.PUBLISHED:
        raise ValidationFailed(_l("Only a published demand and a published achievement can be introduced."))
    achievement, demand = (listing, candidate) if listing.kind == Kind.ACHIEVEMENT.value else (candidate, listing)
    if achievement.organisation_id == demand.organisation_id:
        raise ValidationFailed(_l("Both listings belong to the same organisation."))
    thread = session.scalar(select(InquiryThread).where(InquiryThread.listing_id == achievement.id,
                                                        InquiryThread.organisation_id == demand.organisation_id))
    if thread is None:
        thread = InquiryThread(listing_id=achievement.id, organisation_id=demand.organisation_id,
                               started_by_id=actor.user_id)
        session.add(thread)
        session.execute(update(Listing).where(Listing.id == achievement.id)
                        .values(inquiry_count=Listing.inquiry_count + 1).execution_options(synchronize_session=False))
    agency = agency_of(session, actor)
    lines = [_("Introduction by %(broker)s: the demand “%(demand)s” and the achievement “%(achievement)s” may fit "
               "each other.", broker=agency.name if agency else _("the market operator"), demand=demand.title,
               achievement=achievement.title)]
    why = match_reasons(match)
    if why:
        lines.append(_("Why they were matched: %(why)s", why=why))
    if reason:
        lines.append("> " + reason.replace("\n", "\n> "))
    thread.messages.append(InquiryMessage(author_id=actor.user_id, body="\n\n".join(lines), from_owner=False))
    session.flush()
    audit.record(session, actor, "inquiry", thread.id, "introduction", None,
                 {"demand_id": demand.id, "achievement_id": achievement.id, "agency_id": agency.id if agency else None})
    notify(session, [*owner_ids(session, demand.organisation_id), *owner_ids(session, achievement.organisation_id)],
           "introduction", {"title": demand.title, "other": achievement.title}, "listings.thread", thread_id=thread.id)
    return thread
