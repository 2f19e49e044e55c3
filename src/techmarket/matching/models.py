"""What owners said about suggestions: useful or not relevant."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from techmarket.core.clock import utcnow
from techmarket.core.db import Base

VERDICTS = ("useful", "irrelevant")


class MatchFeedback(Base):
    """One owner's verdict on one suggestion (``candidate``) for one of their listings (``listing``)."""

    __tablename__ = "match_feedback"
    __table_args__ = (UniqueConstraint("listing_id", "candidate_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
