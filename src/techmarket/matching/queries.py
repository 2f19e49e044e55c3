"""The operator's view of matching: what owners said about suggestions, and demands that find nothing good."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from techmarket.listings.visibility import Viewer
from techmarket.matching.models import MatchFeedback
from techmarket.matching.recommend import matches_for
from techmarket.search.service import SearchService

GOOD_SCORE = 0.35  # a best suggestion under this is "no good match"
SURVEYED = 100  # the most recent published demands looked at


@dataclass
class FeedbackFigures:
    useful: int
    irrelevant: int
    listings_rated: int
    published: int

    @property
    def rated(self) -> int:
        return self.useful + self.irrelevant

    @property
    def useful_share(self) -> float | None:
        return self.useful / self.rated if self.rated else None

    @property
    def listing_rate(self) -> float | None:
        """Share of published listings whose owners rated at least one suggestion."""
        return self.listings_rated / self.published if self.published else None


def feedback_figures(session: Session) -> FeedbackFigures:
    counts = dict(session.execute(select(MatchFeedback.verdict, func.count()).group_by(MatchFeedback.verdict)).all())
    rated = session.scalar(select(func.count(func.distinct(MatchFeedback.listing_id)))) or 0
    published = session.scalar(select(func.count()).select_from(Listing)
                               .where(Listing.status == Status.PUBLISHED)) or 0
    return FeedbackFigures(useful=counts.get("useful", 0), irrelevant=counts.get("irrelevant", 0),
                           listings_rated=rated, published=published)


def recent_feedback(session: Session, limit: int = 20) -> list[tuple[MatchFeedback, str, str]]:
    """The latest verdicts with the titles of both listings."""
    source = select(Listing.id, Listing.title).subquery()
    rows = session.execute(select(MatchFeedback, Listing.title, source.c.title)
                           .join(Listing, Listing.id == MatchFeedback.listing_id)
                           .join(source, source.c.id == MatchFeedback.candidate_id)
                           .order_by(MatchFeedback.updated_at.desc(), MatchFeedback.id.desc()).limit(limit))
    return [(fb, a, b) for fb, a, b in rows]


@dataclass(frozen=True)
class UnmatchedDemand:
    id: int
    title: str
    best: float
    fields: tuple[str, ...]
    prefecture: str | None


@dataclass
class Unmatched:
    """Plain data (no ORM objects), so that the console may keep it a few minutes."""

    surveyed: int = 0
    demands: list[UnmatchedDemand] = field(default_factory=list)
    by_field: Counter[str] = field(default_factory=Counter)
    by_region: Counter[str] = field(default_factory=Counter)


def unmatched_demands(session: Session, search: SearchService, operator: Viewer, surveyed: int = SURVEYED
                      ) -> Unmatched:
    """Of the ``surveyed`` most recent published demands, those whose best achievement scores under
    :data:`GOOD_SCORE`, counted by field and 盟市."""
    demands = session.scalars(select(Listing).where(Listing.kind == Kind.DEMAND.value,
                                                    Listing.status == Status.PUBLISHED)
                              .order_by(Listing.published_at.desc(), Listing.id.desc()).limit(surveyed)).all()
    out = Unmatched(surveyed=len(demands))
    for demand in demands:
        found = matches_for(session, search, operator, demand, limit=1)
        best = found[0][1].score if found else 0.0
        if best < GOOD_SCORE:
            out.demands.append(UnmatchedDemand(demand.id, demand.title, best, tuple(demand.fields),
                                               demand.prefecture_code))
            out.by_field.update(demand.fields or ["-"])
            out.by_region[demand.prefecture_code or "-"] += 1
    return out
