"""Calls (榜单), NDA acceptances, Q&A, applications (揭榜) with consortium members and files, expert
profiles, reviews (one per expert and application) and objections during publicity (公示)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.accounts.models import User
from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.core.uploads import StoredFileColumns
from techmarket.orgs.models import Organisation


class Call(Base):
    """A posted challenge: the problem, its technical targets, the bounty, who may apply and on what terms."""

    __tablename__ = "challenge_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    poster_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    title: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(Text, default="")
    public_summary: Mapped[str] = mapped_column(Text, default="")
    programme: Mapped[str] = mapped_column(String(200), default="")  # a government programme, when fiscal
    field: Mapped[str] = mapped_column(String(32), index=True)
    prefecture_code: Mapped[str | None] = mapped_column(String(6), index=True)
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # indicator, value, unit, method
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # key, name, weight, scale
    bounty: Mapped[Decimal] = mapped_column(index=True)
    fund_source: Mapped[str] = mapped_column(String(16), default="enterprise")
    enterprise_funds: Mapped[Decimal] = mapped_column(default=Decimal(0))
    fiscal_funds: Mapped[Decimal] = mapped_column(default=Decimal(0))
    duration_months: Mapped[int] = mapped_column(Integer, default=12)
    deadline: Mapped[dt.datetime] = mapped_column(index=True)
    selection_mode: Mapped[str] = mapped_column(String(16), default="jiebang")
    max_winners: Mapped[int] = mapped_column(Integer, default=1)
    org_types: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: any type
    region_scope: Mapped[str] = mapped_column(String(16), default="china")
    consortium_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    credentials: Mapped[str] = mapped_column(Text, default="")
    ip_owner: Mapped[str] = mapped_column(String(16), default="joint")
    ip_licence_back: Mapped[str] = mapped_column(Text, default="")
    ip_revenue_sharing: Mapped[str] = mapped_column(Text, default="")
    confidential_details: Mapped[str] = mapped_column(Text, default="")
    nda_text: Mapped[str] = mapped_column(Text, default="")
    nda_version: Mapped[int] = mapped_column(Integer, default=1)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime | None]
    publicity_from: Mapped[dt.date | None] = mapped_column(Date)
    publicity_until: Mapped[dt.date | None] = mapped_column(Date)
    publicity_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    awarded_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    poster_org: Mapped[Organisation] = relationship(lazy="joined")
    questions: Mapped[list[Question]] = relationship(cascade="all, delete-orphan", lazy="select",
                                                     order_by="Question.id", back_populates="call")

    __mapper_args__ = {"version_id_col": version}

    @property
    def fiscal(self) -> bool:
        return self.fiscal_funds > 0

    @property
    def total_weight(self) -> int:
        return sum(int(c.get("weight", 0)) for c in self.rubric)


class NdaAcceptance(Base):
    """Who accepted which version of a call's non-disclosure agreement, and when."""

    __tablename__ = "challenge_nda"
    __table_args__ = (UniqueConstraint("call_id", "user_id", "nda_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("challenge_call.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    nda_version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Question(Base):
    """A question asked in public Q&A and the poster's answer; or a clarification (补遗) the poster posts."""

    __tablename__ = "challenge_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("challenge_call.id", ondelete="CASCADE"), index=True)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    question: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    call: Mapped[Call] = relationship(back_populates="questions")


class Application(Base):
    """An application (揭榜) by one organisation or a consortium led by it."""

    __tablename__ = "challenge_application"
    __table_args__ = (UniqueConstraint("call_id", "lead_org_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("challenge_call.id", ondelete="CASCADE"), index=True)
    lead_org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    sections: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # rubric key -> text
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # deliverable, due, criteria, share
    budget: Mapped[Decimal] = mapped_column(default=Decimal(0))
    formal_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime | None]
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    call: Mapped[Call] = relationship(lazy="joined")
    lead_org: Mapped[Organisation] = relationship(lazy="joined")
    members: Mapped[list[Member]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                 order_by="Member.id", back_populates="application")
    files: Mapped[list[ApplicationFile]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                        order_by="ApplicationFile.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def org_ids(self) -> set[int]:
        return {m.organisation_id for m in self.members}

    @property
    def is_consortium(self) -> bool:
        return len(self.members) > 1


class Member(Base):
    """A member of an application: the lead (confirmed from the start) or an invited partner."""

    __tablename__ = "challenge_member"
    __table_args__ = (UniqueConstraint("application_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("challenge_application.id", ondelete="CASCADE"),
                                                index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="invited")
    role: Mapped[str] = mapped_column(String(200), default="")
    work_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    budget_share: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    country: Mapped[str] = mapped_column(String(100), default="")  # foreign members: copied from the org
    registration_number: Mapped[str] = mapped_column(String(64), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    application: Mapped[Application] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class ApplicationFile(StoredFileColumns, Base):
    __tablename__ = "challenge_application_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("challenge_application.id", ondelete="CASCADE"),
                                                index=True)


class ExpertProfile(Base):
    """The fields an expert reviews in (the pool a panel is built from)."""

    __tablename__ = "challenge_expert"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    title: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(lazy="joined")


class Review(Base):
    """One expert's review of one application: scores per criterion with comments, or a recusal."""

    __tablename__ = "challenge_review"
    __table_args__ = (UniqueConstraint("application_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("challenge_call.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("challenge_application.id", ondelete="CASCADE"),
                                                index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="assigned", index=True)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # key -> {"score": n, "comment": ""}
    total: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    recusal_reason: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    application: Mapped[Application] = relationship(lazy="joined")
    expert: Mapped[User] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class CallObjection(Base):
    """An objection raised during the publicity of the results, decided by the operator."""

    __tablename__ = "challenge_objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("challenge_call.id", ondelete="CASCADE"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    call: Mapped[Call] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Milestone(Base):
    """A milestone of an awarded application: the deliverable, due date, acceptance criteria and its part of the
    bounty; delivered with files, accepted or rejected by the poster (and by an expert for the final milestone of
    a fiscal call); a failure may be reviewed for diligence (clause 二十七)."""

    __tablename__ = "challenge_milestone"
    __table_args__ = (UniqueConstraint("application_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("challenge_application.id", ondelete="CASCADE"),
                                                index=True)
    seq: Mapped[int] = mapped_column(Integer)
    deliverable: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    criteria: Mapped[str] = mapped_column(Text, default="")
    share: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    amount: Mapped[Decimal]
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    delivery_note: Mapped[str] = mapped_column(Text, default="")
    delivered_at: Mapped[dt.datetime | None]
    reason: Mapped[str] = mapped_column(Text, default="")  # rejection, expert opinion, diligence statement
    target_results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # expert acceptance
    decided_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)

    application: Mapped[Application] = relationship(lazy="joined")
    files: Mapped[list[MilestoneFile]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                      order_by="MilestoneFile.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def fiscal_final(self) -> bool:
        return self.is_final and self.application.call.fiscal


class MilestoneFile(StoredFileColumns, Base):
    __tablename__ = "challenge_milestone_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("challenge_milestone.id", ondelete="CASCADE"), index=True)


class Transfer(Base):
    """A bank transfer of the bounty, recorded and confirmed by the operator: the poster's funding up front, and a
    release to the winner for each accepted milestone."""

    __tablename__ = "challenge_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("challenge_application.id", ondelete="CASCADE"),
                                                index=True)
    milestone_id: Mapped[int | None] = mapped_column(ForeignKey("challenge_milestone.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # fund | release
    amount: Mapped[Decimal]
    reference: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(16), default="recorded", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
