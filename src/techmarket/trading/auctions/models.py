"""Auctions, their bidders (shown by pseudonym), bids, deposits (保证金) and objections (异议) to the result."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.listings.models import Listing
from techmarket.orgs.models import Organisation


class Auction(Base):
    """One auction of a listing: its mode's rules, its timeline and the current high (or low) bid."""

    __tablename__ = "auction"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("trade_sale.id", ondelete="SET NULL"), unique=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    mode: Mapped[str] = mapped_column(String(16))  # english | sealed | reverse (modes.REGISTRY)
    trade_mode: Mapped[str] = mapped_column(String(32))  # the listing's transaction mode (transfer, licence ...)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    start_price: Mapped[Decimal]
    increment: Mapped[Decimal]
    reserve: Mapped[Decimal | None]
    deposit_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    starts_at: Mapped[dt.datetime]
    free_ends_at: Mapped[dt.datetime]
    """The end of free bidding (自由报价) and the start of the timed period (限时竞价)."""
    timed_minutes: Mapped[int] = mapped_column(Integer, default=30)
    ends_at: Mapped[dt.datetime] = mapped_column(index=True)
    """The current end: the timed period's end, moved by every extension."""
    extension_minutes: Mapped[int] = mapped_column(Integer, default=5)
    related_parties: Mapped[str] = mapped_column(Text, default="")
    high_amount: Mapped[Decimal | None]
    high_bidder_id: Mapped[int | None] = mapped_column(Integer)  # an AuctionBidder's id (no FK: no cycle)
    bid_count: Mapped[int] = mapped_column(Integer, default=0)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    winner_bidder_id: Mapped[int | None] = mapped_column(Integer)
    final_amount: Mapped[Decimal | None]
    closed_at: Mapped[dt.datetime | None]
    publicity_until: Mapped[dt.date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # Loaded when used: a bid locks and reads the auction's own row only (bench/auction.py).
    listing: Mapped[Listing] = relationship(lazy="select")
    seller_org: Mapped[Organisation] = relationship(lazy="select")
    bidders: Mapped[list[AuctionBidder]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="AuctionBidder.id", back_populates="auction",
        foreign_keys="AuctionBidder.auction_id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def related_codes(self) -> set[str]:
        return {c.strip().upper() for c in self.related_parties.replace("，", ",").replace("\n", ",").split(",")
                if c.strip()}

    @property
    def needs_deposit(self) -> bool:
        return self.deposit_amount > 0


class AuctionBidder(Base):
    """A registered bidder: the organisation, its random pseudonym (竞买人 A7), the agreement and qualification."""

    __tablename__ = "auction_bidder"
    __table_args__ = (UniqueConstraint("auction_id", "organisation_id"),
                      UniqueConstraint("auction_id", "pseudonym", name="uq_auction_bidder_pseudonym"))

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auction.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(16))
    agreement_accepted_at: Mapped[dt.datetime | None]
    """None: made from a 挂牌 sale's qualified buyer who has not accepted the bidder agreement yet."""
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    auction: Mapped[Auction] = relationship(back_populates="bidders", foreign_keys=[auction_id], lazy="select")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Bid(Base):
    """One accepted bid; the idempotency key makes a double-clicked bid land once."""

    __tablename__ = "auction_bid"
    __table_args__ = (UniqueConstraint("bidder_id", "idempotency_key"), Index("ix_auction_bid_auction", "auction_id",
                                                                             "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auction.id", ondelete="CASCADE"))
    bidder_id: Mapped[int] = mapped_column(ForeignKey("auction_bidder.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal]
    at: Mapped[dt.datetime]
    idempotency_key: Mapped[str] = mapped_column(String(64))
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    bidder: Mapped[AuctionBidder] = relationship(lazy="select")


class AuctionDeposit(Base):
    """A bidder's deposit (保证金): due, secured (held or collected), then released, applied to the price,
    forfeited or refunded. ``gateway`` and ``reference`` say how it was paid (offline: the bank reference)."""

    __tablename__ = "auction_deposit"
    __table_args__ = (UniqueConstraint("auction_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auction.id", ondelete="CASCADE"), index=True)
    bidder_id: Mapped[int] = mapped_column(ForeignKey("auction_bidder.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    amount: Mapped[Decimal]
    status: Mapped[str] = mapped_column(String(16), default="due", index=True)
    gateway: Mapped[str | None] = mapped_column(String(32))
    reference: Mapped[str | None] = mapped_column(String(200))
    refund_due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    auction: Mapped[Auction] = relationship(lazy="select")
    bidder: Mapped[AuctionBidder] = relationship(lazy="select")

    __mapper_args__ = {"version_id_col": version}


class Objection(Base):
    """An objection (异议) to an auction's result during its 成交公示, decided by the operator."""

    __tablename__ = "auction_objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auction.id", ondelete="CASCADE"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    auction: Mapped[Auction] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}
