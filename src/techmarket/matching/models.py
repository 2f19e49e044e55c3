"""What owners said about suggestions (useful or not relevant); subscriptions, digests and delivered alerts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
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


FREQUENCIES = ("immediate", "daily", "weekly")
# What a subscription follows: a saved search, a field, a 盟市, an organisation, or new matches for a demand.
SEARCH, FIELD, REGION, ORG, DEMAND = "search", "field", "region", "org", "demand"
SUBSCRIPTION_KINDS = (SEARCH, FIELD, REGION, ORG, DEMAND)


class Subscription(Base):
    """One user's standing request to hear about new items: ``target`` is the field code, the 盟市 code, the
    organisation's or the demand's id, or (a saved search) a digest of ``query``, its canonical arguments."""

    __tablename__ = "subscription"
    __table_args__ = (UniqueConstraint("user_id", "kind", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(64))
    query: Mapped[list] = mapped_column(JSON, default=list)  # [[name, value], ...] of the search page
    label: Mapped[str] = mapped_column(String(200), default="")
    frequency: Mapped[str] = mapped_column(String(16), default="daily", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AlertDigest(Base):
    """One digest sent to one user for one period (``period_key``: the day or the ISO week): at most one."""

    __tablename__ = "alert_digest"
    __table_args__ = (UniqueConstraint("user_id", "period", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    period_key: Mapped[str] = mapped_column(String(16))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AlertDelivery(Base):
    """An item delivered to a user (at once or in ``digest``): never the same item twice to the same user."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("user_id", "item_kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    item_kind: Mapped[str] = mapped_column(String(24))
    item_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscription.id", ondelete="SET NULL"))
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("alert_digest.id", ondelete="CASCADE"), index=True)
    delivered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
