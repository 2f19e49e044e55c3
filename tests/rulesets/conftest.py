"""Fixtures for the rule-set tests: the shipped rule sets stored before each test."""

from __future__ import annotations

import pytest

from tests.rulesets.support import prepare


@pytest.fixture(autouse=True)
def _stored_rule_sets(request: pytest.FixtureRequest) -> None:
    if "app" in request.fixturenames:
        prepare(request.getfixturevalue("app"))
