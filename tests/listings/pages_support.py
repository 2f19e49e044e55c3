"""Helpers of the listing page tests: valid listing data, listings in any state, signed-in clients."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from techmarket.core.clock import local_today
from techmarket.listings.constants import Kind
from tests.accounts.support import isolate_requests
from tests.factories import PASSWORD
from tests.listings.builders import OPERATOR, data, make_listing, patent, wrong_patent

__all__ = ["OPERATOR", "data", "make_listing", "patent", "wrong_patent"]


@pytest.fixture(autouse=True)
def isolated(app: Flask) -> None:
    """Each request in its own context, so clients of different users do not share ``current_user``.

    Test modules import this fixture to use it."""
    isolate_requests(app)


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
