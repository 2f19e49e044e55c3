"""A registered technology broker and the registered contracts attributed to them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.contracts.models import Contract
from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.orgs.models import Division, Organisation


class Broker(Base):
    """A broker filed with the science bureau: credential, organisation (an agency), fields and 盟市."""

    __tablename__ = "broker"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    credential_no: Mapped[str] = mapped_column(String(64), unique=True)
    credential_level: Mapped[str] = mapped_column(String(16))  # junior | intermediate | senior
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    prefecture_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    bio: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    prefecture: Mapped[Division] = relationship(lazy="joined")


class BrokerDeal(Base):
    """A registered contract attributed to a broker with their share; the reward is a snapshot of the calculator's
    result with the rule-set version that produced it."""

    __tablename__ = "broker_deal"
    __table_args__ = (UniqueConstraint("broker_id", "contract_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broker_id: Mapped[int] = mapped_column(ForeignKey("broker.id", ondelete="CASCADE"), index=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"), index=True)
    share: Mapped[Decimal] = mapped_column(Numeric(5, 4))
    reward: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    contract: Mapped[Contract] = relationship(lazy="joined")
