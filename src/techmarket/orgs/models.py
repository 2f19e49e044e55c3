"""Organisations, their members and invitations, and the administrative divisions they sit in."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.accounts.models import User
from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.orgs.places import place_name


class Division(Base):
    """An Inner Mongolia division (NBS 2023 codes): the region, a 盟市 or a 旗县."""

    __tablename__ = "division"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))  # province | prefecture | county
    parent_code: Mapped[str | None] = mapped_column(String(6), index=True)
    in_gbt2260: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Division | None] = relationship(
        primaryjoin="foreign(Division.parent_code) == remote(Division.code)", lazy="joined", join_depth=1,
        viewonly=True,
    )

    @property
    def label(self) -> str:
        """The name in the reader's language (:func:`techmarket.orgs.places.place_name`)."""
        return place_name(self.code, self.name)

    @property
    def prefecture_code(self) -> str:
        return self.code if self.level != "county" else (self.parent_code or self.code)


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(32))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    foreign_registration: Mapped[str | None] = mapped_column(String(64))
    code_check_failed: Mapped[bool] = mapped_column(Boolean, default=False)
    code_override_reason: Mapped[str | None] = mapped_column(Text)
    code_override_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    region_kind: Mapped[str] = mapped_column(String(16))
    division_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"), index=True)
    province: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    is_high_tech: Mapped[bool] = mapped_column(Boolean, default=False)
    high_tech_cert_date: Mapped[dt.date | None] = mapped_column(Date)
    is_tech_sme: Mapped[bool] = mapped_column(Boolean, default=False)
    state_owned: Mapped[bool] = mapped_column(Boolean, default=False)
    relocated: Mapped[bool] = mapped_column(Boolean, default=False)
    first_revenue_year: Mapped[int | None] = mapped_column(Integer)
    listing_board: Mapped[str] = mapped_column(String(16), default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    return_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    division: Mapped[Division | None] = relationship(lazy="joined")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_verified(self) -> bool:
        return self.status == "verified"


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(lazy="joined")


class Invitation(Base):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16), default="member")
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
