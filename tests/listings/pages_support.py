"""Helpers of the listing page tests: valid listing data, listings in any state, signed-in clients."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

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
from tests.accounts.support import isolate_requests
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def isolated(app: Flask) -> None:
    """Each request in its own context, so clients of different users do not share ``current_user``.

    Test modules import this fixture to use it."""
    isolate_requests(app)


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


def client_for(app: Flask, user: Any) -> FlaskClient:
    """A separate browser session signed in as ``user``."""
    c = app.test_client()
    resp = c.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return c


def form(kind: Kind = Kind.ACHIEVEMENT, **overrides: Any) -> dict[str, Any]:
    """What the editor posts for a complete, valid listing."""
    valid = (local_today() + dt.timedelta(days=200)).isoformat()
    out: dict[str, Any] = {
        "title": "风光储一体化微电网控制系统", "summary": "适用于牧区的风光储微电网。",
        "description": "控制系统说明。", "fields": ["energy_storage", "new_energy"], "keywords": "储能, 微电网",
        "division_code": "", "contact_name": "李工", "contact_phone": "0471-7654321",
        "contact_email": "li@example.cn", "valid_until": valid, "amount_min": "120万", "amount_max": "300万",
        "modes": ["transfer", "licence_ordinary"],
    }
    if kind == Kind.ACHIEVEMENT:
        out |= {"maturity": "pilot", "trl": "6", "team": "李教授", "ip_items-0-ip_type": "invention",
                "ip_items-0-number": patent(), "ip_items-0-status": "granted", "ip_items-0-title": "控制方法"}
    else:
        out |= {"technical_targets": "效率 > 90%", "deadline": (local_today() + dt.timedelta(days=60)).isoformat(),
                "confidentiality": "public", "modes": ["co_development"]}
    out.update(overrides)
    return out


def html(resp: Any) -> str:
    return resp.get_data(as_text=True)
