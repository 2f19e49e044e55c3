"""Fixtures for the API tests: the shipped rule sets stored before each test."""

from __future__ import annotations

import pytest

from tests.rulesets.support import prepare


@pytest.fixture(autouse=True)
def _stored_rule_sets(request: pytest.FixtureRequest) -> None:
    if "app" in request.fixturenames:
        prepare(request.getfixturevalue("app"))


@pytest.fixture(autouse=True)
def _private_webhooks_allowed(request: pytest.FixtureRequest) -> None:
    """The receivers of these tests listen on 127.0.0.1 (the production default refuses such addresses)."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").config["WEBHOOKS_ALLOW_PRIVATE"] = True
