"""Owners' verdicts on suggestions: the one state change of the matching domain."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.listings.constants import Status
from techmarket.listings.models import Listing
from techmarket.listings.visibility import viewer_for
from techmarket.matching.models import VERDICTS, MatchFeedback
from techmarket.matching.recommend import other_kind


def record_feedback(session: Session, actor: Actor, listing: Listing, candidate: Listing, verdict: str,
                    score: float | None = None) -> MatchFeedback:
    """Store (or change) ``actor``'s verdict on ``candidate`` as a suggestion for their ``listing``."""
    if verdict not in VERDICTS:
        raise ValidationFailed(_l("Choose useful or not relevant."))
    if actor.user_id is None or not viewer_for(session, actor).is_member(listing):
        raise PermissionDenied(_l("Only the listing's owners can rate its suggestions."))
    if candidate.kind != other_kind(listing) or candidate.status != Status.PUBLISHED:
        raise ValidationFailed(_l("This suggestion is no longer available."))
    row = session.scalar(select(MatchFeedback).where(MatchFeedback.listing_id == listing.id,
                                                     MatchFeedback.candidate_id == candidate.id,
                                                     MatchFeedback.user_id == actor.user_id))
    if row is None:
        row = MatchFeedback(listing_id=listing.id, candidate_id=candidate.id, user_id=actor.user_id)
        session.add(row)
    row.verdict = verdict
    row.score = score
    row.updated_at = utcnow()
    session.flush()
    return row


def verdicts_of(session: Session, user_id: int | None, listing_id: int) -> dict[int, str]:
    """Candidate id -> this user's verdict, for one of their listings."""
    if user_id is None:
        return {}
    rows = session.execute(select(MatchFeedback.candidate_id, MatchFeedback.verdict)
                           .where(MatchFeedback.listing_id == listing_id, MatchFeedback.user_id == user_id))
    return {row[0]: row[1] for row in rows}
