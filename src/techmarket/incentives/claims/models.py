"""A subsidy claim, the contracts it counts and objections during publicity (the bureaus' areas are part of
their accounts: :class:`techmarket.accounts.models.BureauArea`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.contracts.models import Contract
from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.orgs.models import Organisation


class SubsidyClaim(Base):
    """One organisation's claim for one claim year in one role (buyer, seller or agency). The computed result
    is a snapshot with the rule-set versions that produced it."""

    __tablename__ = "subsidy_claim"
    __table_args__ = (Index("ix_subsidy_claim_queue", "status", "division_code"),
                      Index("ix_subsidy_claim_year", "claim_year", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))
    claim_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    division_code: Mapped[str | None] = mapped_column(String(6))
    """The claimant's 旗县 (its county bureau pre-reviews); ``None`` when it sits directly under a 盟市."""
    prefecture_code: Mapped[str | None] = mapped_column(String(6), index=True)
    city_review: Mapped[bool] = mapped_column(Boolean, default=True)
    requested_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    computed_amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    granted_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    reduction_factor: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    statement: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule_sets: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    last_reason: Mapped[str] = mapped_column(Text, default="")
    publicity_from: Mapped[dt.date | None] = mapped_column(Date)
    publicity_until: Mapped[dt.date | None] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    contracts: Mapped[list[ClaimContract]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                          order_by="ClaimContract.id", back_populates="claim")
    objections: Mapped[list[ClaimObjection]] = relationship(cascade="all, delete-orphan", lazy="select",
                                                            order_by="ClaimObjection.id")
    steps: Mapped[list[ClaimStep]] = relationship(cascade="all, delete-orphan", lazy="select",
                                                  order_by="ClaimStep.id")

    __mapper_args__ = {"version_id_col": version}


class ClaimContract(Base):
    """A registered contract counted by a claim, with its payment vouchers (buyers) and its computed subsidy.

    ``counted_year`` is the claim year while the claim is alive and ``NULL`` once it is withdrawn or refused:
    the unique constraint counts a contract at most once per claimant and year."""

    __tablename__ = "subsidy_claim_contract"
    __table_args__ = (UniqueConstraint("contract_id", "organisation_id", "counted_year",
                                       name="uq_subsidy_claim_contract_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    counted_year: Mapped[int | None] = mapped_column(Integer)
    payment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    subsidy: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)

    claim: Mapped[SubsidyClaim] = relationship(back_populates="contracts")
    contract: Mapped[Contract] = relationship(lazy="joined")


class ClaimStep(Base):
    """The claim's history as its claimant and reviewers see it (who decided what, with the reason)."""

    __tablename__ = "subsidy_claim_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ClaimObjection(Base):
    """An objection raised against a published claim during its publicity (公示)."""

    __tablename__ = "subsidy_claim_objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | upheld | dismissed
    answer: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
