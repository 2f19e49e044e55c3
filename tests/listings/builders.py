"""Listings built through the real services and committed: valid data of either kind, a listing in any state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from techmarket.accounts.services import actor_for
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import services
from techmarket.listings.constants import Kind
from techmarket.listings.data import IPItemData, ListingData
from techmarket.listings.models import Listing
from techmarket.listings.patents import check_digit
from techmarket.orgs.models import Organisation

OPERATOR = Actor(user_id=None, label="test operator", roles=frozenset({Role.OPERATOR}))


def patent(serial: str = "202310123456") -> str:
    return f"{serial}.{check_digit(serial)}"


def wrong_patent(serial: str = "202310123456") -> str:
    good = check_digit(serial)
    return f"{serial}.{'1' if good != '1' else '2'}"


def data(kind: Kind = Kind.ACHIEVEMENT, **overrides: Any) -> ListingData:
    base: dict[str, Any] = {
        "title": "稀土永磁电机高效冷却技术", "summary": "一种用于稀土永磁电机的高效冷却结构。",
        "description": "### 技术背景\n\n冷却效率提升 **30%**。", "fields": ["rare_earth"], "keywords": ["稀土", "电机"],
        "contact_name": "王工", "contact_phone": "0472-1234567", "contact_email": "wang@example.cn",
        "valid_until": local_today() + dt.timedelta(days=200), "negotiable": False,
        "amount_min": Decimal("500000"), "amount_max": Decimal("1200000"), "modes": ["transfer"],
    }
    if kind == Kind.ACHIEVEMENT:
        base |= {"maturity": "pilot", "trl": 6, "team": "张教授团队",
                 "ip_items": [IPItemData("invention", patent(), "granted", "一种冷却结构")]}
    else:
        base |= {"title": "煤化工废水零排放技术需求", "summary": "寻求高盐废水处理方案。",
                 "description": "需要处理高盐废水。", "technical_targets": "COD < 50 mg/L",
                 "modes": ["co_development"], "deadline": local_today() + dt.timedelta(days=90)}
    base.update(overrides)
    return ListingData(**base)


def make_listing(org: Organisation, kind: Kind = Kind.ACHIEVEMENT, *, status: str = "published",
                 **overrides: Any) -> Listing:
    """A listing created by the organisation's owner through the services, moved to ``status``."""
    owner = org.memberships[0].user
    listing = services.create(db.session, actor_for(owner), org, kind, data(kind, **overrides))
    if status in {"submitted", "published", "returned", "closed", "withdrawn"}:
        services.transition(db.session, actor_for(owner), listing, "submit")
    if status in {"published", "closed"}:
        services.transition(db.session, OPERATOR, listing, "approve")
    if status == "returned":
        services.transition(db.session, OPERATOR, listing, "return", reason="请补充技术指标")
    if status == "closed":
        services.transition(db.session, actor_for(owner), listing, "close")
    if status == "withdrawn":
        services.transition(db.session, actor_for(owner), listing, "withdraw")
    db.session.commit()
    return listing
