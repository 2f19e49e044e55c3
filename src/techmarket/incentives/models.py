"""The incentives the policy pays on registered contracts: yearly statements (snapshots), their flags, and the
disbursements the operator pays from them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.orgs.models import Organisation


class Statement(Base):
    """An organisation's yearly statement, saved as a snapshot: later rule or contract changes never
    touch it (they add a :class:`StatementFlag`)."""

    __tablename__ = "contract_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    tax_year: Mapped[int] = mapped_column(Integer, index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule_sets: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    contract_ids: Mapped[list[int]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    flags: Mapped[list[StatementFlag]] = relationship(lazy="selectin", order_by="StatementFlag.id",
                                                      viewonly=True)


class StatementFlag(Base):
    """A contract of a saved statement changed after the statement was saved: its figures need review."""

    __tablename__ = "contract_statement_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("contract_statement.id", ondelete="CASCADE"),
                                              index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Disbursement(Base):
    """A post-subsidy or reward the operator pays from a saved statement or an approved subsidy claim after its
    publicity, due within 30 working days of the transfer notice ((二十二))."""

    __tablename__ = "contract_disbursement"
    __table_args__ = (UniqueConstraint("statement_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int | None] = mapped_column(ForeignKey("contract_statement.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_claim.id"), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    amount: Mapped[Decimal]
    notice_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), default="due", server_default="due")  # due | paid
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    statement: Mapped[Statement | None] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


@event.listens_for(Statement, "before_update")
def _immutable(mapper: Any, connection: Any, target: Any) -> None:
    raise RuntimeError("saved statements are immutable; save a new one instead")
