"""Technology contracts, their parties, amounts, payments, documents and registration history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.accounts.models import User
from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.core.uploads import StoredFileColumns
from techmarket.listings.models import Listing
from techmarket.orgs.models import Organisation


class Contract(Base):
    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("registration_year", "registration_seq", name="uq_contract_registration_seq"),
        Index("ix_contract_status_due", "status", "review_due_on"),
        Index("ix_contract_registered", "status", "registered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    title: Mapped[str] = mapped_column(String(200))
    type_code: Mapped[str] = mapped_column(String(24), index=True)
    subtype_code: Mapped[str] = mapped_column(String(24))
    summary: Mapped[str] = mapped_column(Text, default="")
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id", ondelete="SET NULL"), index=True)
    signed_on: Mapped[dt.date] = mapped_column(Date)
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    licence_years: Mapped[int | None] = mapped_column(Integer)
    exclusivity: Mapped[str | None] = mapped_column(String(16))
    territory: Mapped[str] = mapped_column(String(200), default="")
    fiscal_funded: Mapped[bool] = mapped_column(Boolean, default=False)
    approval_document: Mapped[str] = mapped_column(String(200), default="")
    related_holding_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    total_amount: Mapped[Decimal]
    non_technical_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    technical_amount: Mapped[Decimal]
    prefecture_code: Mapped[str | None] = mapped_column(String(6), index=True)  # the seller's 盟市
    # Registration review (POLICY.md §3)
    submitted_at: Mapped[dt.datetime | None]
    review_started_on: Mapped[dt.date | None] = mapped_column(Date)
    review_due_on: Mapped[dt.date | None] = mapped_column(Date)
    review_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    expert_review: Mapped[bool] = mapped_column(Boolean, default=False)
    first_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    first_approved_at: Mapped[dt.datetime | None]
    expert_opinion: Mapped[str] = mapped_column(Text, default="")
    return_reason: Mapped[str | None] = mapped_column(Text)
    refusal_reasons: Mapped[list[str] | None] = mapped_column(JSON)
    refusal_note: Mapped[str | None] = mapped_column(Text)
    registration_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    verification_code: Mapped[str | None] = mapped_column(String(16))
    """Printed on the certificate; with the registration number it opens the public check page."""
    registration_year: Mapped[int | None] = mapped_column(Integer)
    registration_seq: Mapped[int | None] = mapped_column(Integer)
    registered_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    rescinded_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    seller_org: Mapped[Organisation] = relationship(lazy="joined")
    listing: Mapped[Listing | None] = relationship(lazy="select")
    parties: Mapped[list[ContractParty]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                        order_by="ContractParty.position")
    ip_items: Mapped[list[ContractIPItem]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                          order_by="ContractIPItem.id")
    non_tech_items: Mapped[list[NonTechItem]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                             order_by="NonTechItem.id")
    instalments: Mapped[list[Instalment]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                         order_by="Instalment.seq")
    documents: Mapped[list[ContractDocument]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                             order_by="ContractDocument.id")
    payments: Mapped[list[Payment]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                   order_by="Payment.id", back_populates="contract")
    events: Mapped[list[ContractEvent]] = relationship(cascade="all, delete-orphan", lazy="select",
                                                       order_by="ContractEvent.id")

    __mapper_args__ = {"version_id_col": version}

    def party(self, role: str) -> ContractParty | None:
        return next((p for p in self.parties if p.role == role), None)

    @property
    def seller(self) -> ContractParty | None:
        return self.party("seller")

    @property
    def buyer(self) -> ContractParty | None:
        return self.party("buyer")

    @property
    def confirmed_paid(self) -> Decimal:
        return sum((p.amount for p in self.payments if p.status == "confirmed"), Decimal(0))


class ContractParty(Base):
    """A party as written in the contract: a platform organisation (copied at the time) or an outside one."""

    __tablename__ = "contract_party"
    # One seller, buyer, broker and agency each (at position 0..3); consortium members (role "member") follow the
    # seller at their own positions.
    __table_args__ = (UniqueConstraint("contract_id", "role", "position", name="uq_contract_party_role_position"),
                      Index("ix_contract_party_org", "organisation_id", "role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    foreign_registration: Mapped[str | None] = mapped_column(String(64))
    division_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"))
    country: Mapped[str | None] = mapped_column(String(100))
    nature: Mapped[str] = mapped_column(String(32))
    budget_share: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # % of the amount, for consortia

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


class ContractIPItem(Base):
    __tablename__ = "contract_ip_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    ip_kind: Mapped[str] = mapped_column(String(24))
    number: Mapped[str] = mapped_column(String(40), default="")
    title: Mapped[str] = mapped_column(String(200), default="")


class NonTechItem(Base):
    """A non-technical part of the total (equipment, instruments, parts, raw materials)."""

    __tablename__ = "contract_non_tech_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(24))
    description: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal]


class Instalment(Base):
    __tablename__ = "contract_instalment"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal]
    description: Mapped[str] = mapped_column(String(200), default="")


class ContractDocument(StoredFileColumns, Base):
    __tablename__ = "contract_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))


class Payment(Base):
    """A payment against an instalment, with its bank-transfer receipt, confirmed by the operator."""

    __tablename__ = "contract_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("contract_instalment.id", ondelete="CASCADE"),
                                               index=True)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal]
    reference: Mapped[str] = mapped_column(String(100), default="")
    document_id: Mapped[int | None] = mapped_column(ForeignKey("contract_document.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    contract: Mapped[Contract] = relationship(back_populates="payments")
    instalment: Mapped[Instalment] = relationship(lazy="joined")
    document: Mapped[ContractDocument | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class ContractEvent(Base):
    """The registration history a party sees: submissions, decisions, amendments, rescission."""

    __tablename__ = "contract_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship(lazy="joined")


class RegistrationCounter(Base):
    """The last registration sequence number given out in a year."""

    __tablename__ = "registration_counter"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
