"""Helpers of the listing service tests: valid data, a verified organisation with its owner, any state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from techmarket.accounts.models import User
from techmarket.accounts.notifications import Notification
from techmarket.accounts.services import actor_for
from techmarket.core.actor import Actor
from techmarket.core.audit import AuditEntry
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import services
from techmarket.listings.constants import Kind, Status
from techmarket.listings.data import IPItemData, ListingData
from techmarket.listings.models import Listing
from techmarket.listings.patents import check_digit
from techmarket.orgs.models import Organisation
from tests.factories import Factories

OPERATOR = Actor(user_id=None, label="test operator", roles=frozenset({Role.OPERATOR}))
SYSTEM = Actor.system("test expiry")
RETURN_REASON = "请补充主要技术指标。"


def patent(digits: str = "202310123456") -> str:
    """A valid CNIPA application number for ``digits`` (12 or 8 digits)."""
    return f"{digits}.{check_digit(digits)}"


def achievement(**overrides: Any) -> ListingData:
    values: dict[str, Any] = {
        "title": "烧结钕铁硼晶界扩散重稀土减量技术", "summary": "重稀土用量降低40%以上。",
        "description": "### 成果简介\n\n矫顽力提升 **8 kOe**。", "fields": ["rare_earth"],
        "keywords": ["钕铁硼", "稀土永磁"],
        "contact_name": "王老师", "contact_phone": "0472-5123456", "contact_email": "wang@example.cn",
        "valid_until": local_today() + dt.timedelta(days=200), "negotiable": False,
        "amount_min": Decimal("800000"), "amount_max": Decimal("1500000"), "modes": ["transfer"],
        "maturity": "pilot", "trl": 6, "team": "王教授团队",
        "ip_items": [IPItemData("invention", patent(), "granted", "一种高矫顽力烧结钕铁硼磁体的制备方法")],
    }
    values.update(overrides)
    return ListingData(**values)


def demand(**overrides: Any) -> ListingData:
    values: dict[str, Any] = {
        "title": "煤化工高盐废水分盐结晶技术需求", "summary": "寻求高盐废水零排放方案。",
        "description": "### 需求背景\n\n杂盐按危废处置成本高。", "fields": ["chemicals"], "keywords": ["零排放"],
        "contact_name": "李总工", "contact_phone": "0477-8123456", "contact_email": "li@example.cn",
        "valid_until": local_today() + dt.timedelta(days=300), "negotiable": True, "modes": ["co_development"],
        "technical_targets": "结晶盐纯度≥98.5%", "deadline": local_today() + dt.timedelta(days=90),
    }
    values.update(overrides)
    return ListingData(**values)


def data_for(kind: Kind, **overrides: Any) -> ListingData:
    return achievement(**overrides) if kind == Kind.ACHIEVEMENT else demand(**overrides)


@dataclass
class Owner:
    """A verified organisation and the actor of its owner."""

    user: User
    org: Organisation

    @property
    def actor(self) -> Actor:
        return actor_for(self.user)


def new_owner(make: Factories, monkeypatch: pytest.MonkeyPatch, *, status: str = "verified") -> Owner:
    """A new user owning a new organisation (verified unless ``status`` says otherwise)."""
    user = make.user(Role.RESEARCHER)
    return Owner(user, make.org(user, status=status))


def create(who: Owner, kind: Kind = Kind.ACHIEVEMENT, **overrides: Any) -> Listing:
    listing = services.create(db.session, who.actor, who.org, kind, data_for(kind, **overrides))
    db.session.commit()
    return listing


def in_state(who: Owner, state: Status | str, kind: Kind = Kind.ACHIEVEMENT, **overrides: Any) -> Listing:
    """A listing driven to ``state`` by the calls people make (expiry by the real job, a day after validity)."""
    state = Status(state)
    if state == Status.EXPIRED:  # valid until tomorrow, so the job run for the day after expires this one only
        overrides.setdefault("valid_until", local_today() + dt.timedelta(days=1))
        if kind == Kind.DEMAND:
            overrides.setdefault("deadline", local_today() + dt.timedelta(days=1))
    listing = services.create(db.session, who.actor, who.org, kind, data_for(kind, **overrides))
    steps = {
        Status.DRAFT: (), Status.SUBMITTED: ("submit",), Status.PUBLISHED: ("submit", "approve"),
        Status.RETURNED: ("submit", "return"), Status.WITHDRAWN: ("withdraw",),
        Status.CLOSED: ("submit", "approve", "close"), Status.EXPIRED: ("submit", "approve"),
    }[state]
    for action in steps:
        actor = OPERATOR if action in {"approve", "return"} else who.actor
        reason = RETURN_REASON if action == "return" else ""
        services.transition(db.session, actor, listing, action, reason=reason)
    if state == Status.EXPIRED:
        assert listing.valid_until is not None
        assert services.expire_due(db.session, listing.valid_until + dt.timedelta(days=1)) == 1
    db.session.commit()
    assert listing.status == state
    return listing


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def audit_actions(listing: Listing) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.object_type == "listing", AuditEntry.object_id == str(listing.id)).order_by(AuditEntry.seq)))


def notifications(kind: str | None = None) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt))
