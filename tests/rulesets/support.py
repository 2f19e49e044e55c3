"""Helpers for the rule-set and API tests: the shipped rule sets in the database, a member with an org."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.rulesets import services
from tests.accounts.support import isolate_requests
from tests.factories import PASSWORD, Factories

# A known case (POLICY.md §2.1): one patent ownership transfer with a gain of 8,000,000 in 2024.
# S = 8,000,000: 5,000,000 exempt, 3,000,000 taxed at 12.5% = 375,000; without relief 25% = 2,000,000.
TRANSFER_CASE: dict[str, Any] = {
    "tax_year": 2024,
    "contracts": [
        {"id": "HT-2024-001", "kind": "ownership", "subject": "patent", "registered": True,
         "technology_receipts": "8000000"},
    ],
}


def prepare(app: Flask) -> None:
    """Each request in its own context; the shipped rule sets stored (the ``app`` fixture empties every table
    the migrations fill, except the divisions)."""
    isolate_requests(app)
    services.seed_defaults(db.session)
    db.session.commit()


def signin(app: Flask, user: Any) -> FlaskClient:
    """A new client (a separate browser) signed in as ``user``."""
    client = app.test_client()
    resp = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return client


def member_with_org(make: Factories, **org: Any) -> tuple[Any, Any]:
    user = make.user(Role.ENTERPRISE)
    return user, make.org(user, **org)
