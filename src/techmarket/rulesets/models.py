"""Stored rule-set versions and saved calculation snapshots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.accounts.models import User
from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.orgs.models import Organisation
from techmarket.policy import RuleSet


class RuleSetVersion(Base):
    """One version of a named rule set (:class:`techmarket.policy.RuleSet`). Rows are never updated:
    an operator's edit is a new row with the next version number."""

    __tablename__ = "rule_set_version"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(500))
    precedence: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))

    created_by: Mapped[User | None] = relationship(lazy="joined")

    def to_rule_set(self) -> RuleSet:
        return RuleSet(
            name=self.name, version=self.version, effective_from=self.effective_from, source=self.source,
            precedence=self.precedence, params=self.params, title_zh=self.title_zh, title_en=self.title_en,
            example=self.example, note=self.note or "",
        )

    def title(self, zh: bool) -> str:
        return self.title_zh if zh else self.title_en


class SavedCalculation(Base):
    """A calculator's full breakdown saved to an organisation: a snapshot that later rule changes never
    touch. ``rule_sets`` lists the ``{name, version}`` pairs that produced ``result``."""

    __tablename__ = "saved_calculation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="RESTRICT"),
                                                 index=True)
    calculator: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule_sets: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    created_by: Mapped[User | None] = relationship(lazy="joined")


@event.listens_for(RuleSetVersion, "before_update")
@event.listens_for(SavedCalculation, "before_update")
def _immutable(mapper: Any, connection: Any, target: Any) -> None:
    raise RuntimeError(f"{type(target).__name__} rows are immutable; save a new one instead")
