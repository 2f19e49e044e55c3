"""Listings, their facets, IP items, attachments, revisions, bookmarks and inquiry threads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.accounts.models import User
from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.core.uploads import StoredFileColumns
from techmarket.orgs.models import Division, Organisation


class Listing(Base):
    __tablename__ = "listing"
    __table_args__ = (
        Index("ix_listing_kind_status_published", "kind", "status", "published_at"),
        Index("ix_listing_import_key", "organisation_id", "import_key", unique=True),
        # The browse page: filter by 盟市 or amount and sort without reading every published listing. The
        # trailing columns let the filters be checked from the index alone (queries.browse_page reads ids first).
        Index("ix_listing_browse_region", "kind", "status", "prefecture_code", "published_at", "id", "amount_min",
              "amount_max"),
        Index("ix_listing_browse_amount", "kind", "status", "amount_min", "amount_max", "published_at"),
        # Sorted by price (queries.PRICE), negotiable listings last: one index per direction, in reading order.
        Index("ix_listing_browse_price_asc", "kind", "status", text("(coalesce(amount_min, amount_max) IS NULL)"),
              text("coalesce(amount_min, amount_max)"), text("id DESC"), "amount_min", "amount_max", "prefecture_code"),
        Index("ix_listing_browse_price_desc", "kind", "status",
              text("(coalesce(amount_min, amount_max) IS NOT NULL)"), text("coalesce(amount_min, amount_max)"), "id",
              "amount_min", "amount_max", "prefecture_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown as typed
    keywords: Mapped[list] = mapped_column(JSON, default=list)
    division_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"), index=True)
    prefecture_code: Mapped[str | None] = mapped_column(String(6), index=True)
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    # Asking price (achievement) or budget (demand); both empty with negotiable = 面议.
    negotiable: Mapped[bool] = mapped_column(Boolean, default=True)
    amount_min: Mapped[Decimal | None]
    amount_max: Mapped[Decimal | None]
    # Achievement
    team: Mapped[str] = mapped_column(Text, default="")
    maturity: Mapped[str | None] = mapped_column(String(24))
    trl: Mapped[int | None] = mapped_column(Integer)
    advantages: Mapped[str] = mapped_column(Text, default="")
    expected_benefit: Mapped[str] = mapped_column(Text, default="")
    fiscal_funded: Mapped[bool] = mapped_column(Boolean, default=False)
    approval_document: Mapped[str] = mapped_column(String(200), default="")
    application_industries: Mapped[str] = mapped_column(String(500), default="")
    # Demand
    technical_targets: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    confidentiality: Mapped[str] = mapped_column(String(16), default="public")
    # Workflow and counters
    return_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    view_count: Mapped[int] = mapped_column(Integer, default=0)
    inquiry_count: Mapped[int] = mapped_column(Integer, default=0)
    import_key: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    division: Mapped[Division | None] = relationship(lazy="joined")
    tags: Mapped[list[ListingTag]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    ip_items: Mapped[list[IPItem]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                  order_by="IPItem.id")
    attachments: Mapped[list[Attachment]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                         order_by="Attachment.id")

    __mapper_args__ = {"version_id_col": version}

    def values(self, facet: str) -> list[str]:
        return sorted(t.value for t in self.tags if t.facet == facet)

    @property
    def fields(self) -> list[str]:
        return self.values("field")

    @property
    def modes(self) -> list[str]:
        return self.values("mode")


class ListingTag(Base):
    """A multi-valued facet of a listing: ``field`` (taxonomy) or ``mode`` (transaction/cooperation mode)."""

    __tablename__ = "listing_tag"
    __table_args__ = (Index("ix_listing_tag_facet_value", "facet", "value", "listing_id"),)

    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(32), primary_key=True)


class IPItem(Base):
    __tablename__ = "ip_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    ip_type: Mapped[str] = mapped_column(String(24))
    number: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(16), default="granted")
    title: Mapped[str] = mapped_column(String(200), default="")


class Attachment(StoredFileColumns, Base):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)


class Revision(Base):
    """A change to a published listing, invisible to the public until the operator approves it."""

    __tablename__ = "listing_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending|approved|rejected
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)

    listing: Mapped[Listing] = relationship(lazy="joined")


class Bookmark(Base):
    __tablename__ = "bookmark"
    __table_args__ = (UniqueConstraint("user_id", "listing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    listing: Mapped[Listing] = relationship(lazy="joined")


class InquiryThread(Base):
    """A conversation between a member of an asking organisation and the listing's owners."""

    __tablename__ = "inquiry_thread"
    __table_args__ = (UniqueConstraint("listing_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    listing: Mapped[Listing] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    messages: Mapped[list[InquiryMessage]] = relationship(cascade="all, delete-orphan",
                                                          order_by="InquiryMessage.id", lazy="selectin")


class InquiryMessage(Base):
    __tablename__ = "inquiry_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("inquiry_thread.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    from_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
