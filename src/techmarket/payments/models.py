"""Payments through a gateway: deposits and contract instalments, their receipts and the webhooks applied."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.core.uploads import StoredFileColumns

OPEN = frozenset({"pending", "requires_action", "authorised"})
LIVE = OPEN | {"succeeded"}
"""A live payment holds its subject: a second one for the same deposit or instalment is refused."""


class MarketPayment(Base):
    """Money paid to or through the market for one subject (a deposit, an instalment), through one gateway."""

    __tablename__ = "market_payment"
    __table_args__ = (Index("ix_market_payment_subject", "purpose", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(16))  # deposit | instalment
    subject_id: Mapped[int] = mapped_column(Integer)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"), index=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    gateway: Mapped[str] = mapped_column(String(16))  # stripe | offline
    gateway_reference: Mapped[str | None] = mapped_column(String(100), unique=True)
    hold: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    live_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    """``<purpose>:<subject id>`` while the payment is live (see :data:`LIVE`), else NULL: the database refuses
    two live payments for one subject even when two requests race."""
    payer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    failure: Mapped[str] = mapped_column(Text, default="")
    refund_reference: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    receipts: Mapped[list[PaymentReceipt]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                          order_by="PaymentReceipt.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_live(self) -> bool:
        return self.status in LIVE


class PaymentReceipt(StoredFileColumns, Base):
    """The bank receipt a payer uploads for an offline payment (stored like contract documents)."""

    __tablename__ = "payment_receipt"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("market_payment.id", ondelete="CASCADE"), index=True)


class WebhookEvent(Base):
    """A gateway event already applied: a replay is acknowledged and changes nothing."""

    __tablename__ = "payment_webhook_event"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    gateway: Mapped[str] = mapped_column(String(16))
    type: Mapped[str] = mapped_column(String(80))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("market_payment.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
