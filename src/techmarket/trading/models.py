"""Negotiation threads and their offers, 挂牌 sales and their intended-buyer registrations, deals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.accounts.models import User
from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.listings.models import Listing
from techmarket.orgs.models import Organisation


class Negotiation(Base):
    """One thread of offers between a buyer organisation and the listing's owner (协商)."""

    __tablename__ = "trade_negotiation"
    __table_args__ = (UniqueConstraint("listing_id", "buyer_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    inquiry_thread_id: Mapped[int | None] = mapped_column(ForeignKey("inquiry_thread.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    listing: Mapped[Listing] = relationship(lazy="joined")
    seller_org: Mapped[Organisation] = relationship(foreign_keys=[seller_org_id], lazy="joined")
    buyer_org: Mapped[Organisation] = relationship(foreign_keys=[buyer_org_id], lazy="joined")
    offers: Mapped[list[Offer]] = relationship(cascade="all, delete-orphan", order_by="Offer.seq",
                                               lazy="selectin", back_populates="negotiation")

    __mapper_args__ = {"version_id_col": version}

    @property
    def current(self) -> Offer | None:
        return self.offers[-1] if self.offers else None


class Offer(Base):
    """One step of a thread: a price (or a 面议 range) with its terms, and how the other side answered."""

    __tablename__ = "trade_offer"
    __table_args__ = (UniqueConstraint("negotiation_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    negotiation_id: Mapped[int] = mapped_column(ForeignKey("trade_negotiation.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    side: Mapped[str] = mapped_column(String(8))  # buyer | seller: who made it
    made_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    price: Mapped[Decimal | None]
    price_min: Mapped[Decimal | None]
    price_max: Mapped[Decimal | None]
    mode: Mapped[str] = mapped_column(String(32))
    payment_note: Mapped[str] = mapped_column(Text, default="")
    licence_scope: Mapped[str] = mapped_column(String(200), default="")
    licence_years: Mapped[int | None] = mapped_column(Integer)
    territory: Mapped[str] = mapped_column(String(200), default="")
    valid_until: Mapped[dt.date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was rejected
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    negotiation: Mapped[Negotiation] = relationship(back_populates="offers", lazy="joined")
    made_by: Mapped[User] = relationship(foreign_keys=[made_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Sale(Base):
    """A 挂牌 listed-price sale of an achievement for a period of working days."""

    __tablename__ = "trade_sale"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    price: Mapped[Decimal]
    working_days: Mapped[int] = mapped_column(Integer, default=20)
    mode: Mapped[str] = mapped_column(String(32))
    related_parties: Mapped[str] = mapped_column(Text, default="")  # declared related parties' credit codes
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    ends_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    listing: Mapped[Listing] = relationship(lazy="joined")
    seller_org: Mapped[Organisation] = relationship(lazy="joined")
    registrations: Mapped[list[Registration]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                             order_by="Registration.id", back_populates="sale")

    __mapper_args__ = {"version_id_col": version}

    @property
    def qualified_count(self) -> int:
        return sum(1 for r in self.registrations if r.status == "qualified")

    @property
    def related_codes(self) -> set[str]:
        return {c.strip().upper() for c in self.related_parties.replace("，", ",").replace("\n", ",").split(",")
                if c.strip()}


class Registration(Base):
    """An intended buyer's registration (意向受让登记) and the operator's qualification check (资格审查)."""

    __tablename__ = "trade_registration"
    __table_args__ = (UniqueConstraint("sale_id", "buyer_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(ForeignKey("trade_sale.id", ondelete="CASCADE"), index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    statement: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    sale: Mapped[Sale] = relationship(back_populates="registrations", lazy="joined")
    buyer_org: Mapped[Organisation] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Deal(Base):
    """What both sides agreed: the parties, the price and the terms; the contract is drafted from it."""

    __tablename__ = "trade_deal"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    buyer_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("trade_offer.id", ondelete="SET NULL"), unique=True)
    sale_id: Mapped[int | None] = mapped_column(ForeignKey("trade_sale.id", ondelete="SET NULL"), unique=True)
    auction_id: Mapped[int | None] = mapped_column(ForeignKey("auction.id", ondelete="SET NULL"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="agreed", index=True)
    amount: Mapped[Decimal]
    mode: Mapped[str] = mapped_column(String(32))
    payment_note: Mapped[str] = mapped_column(Text, default="")
    licence_scope: Mapped[str] = mapped_column(String(200), default="")
    licence_years: Mapped[int | None] = mapped_column(Integer)
    territory: Mapped[str] = mapped_column(String(200), default="")
    publicity_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    concluded_on: Mapped[dt.date | None] = mapped_column(Date)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    listing: Mapped[Listing] = relationship(lazy="joined")
    seller_org: Mapped[Organisation] = relationship(foreign_keys=[seller_org_id], lazy="joined")
    buyer_org: Mapped[Organisation] = relationship(foreign_keys=[buyer_org_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}
