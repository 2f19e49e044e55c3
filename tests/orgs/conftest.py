"""Fixtures for the organisation tests (as for the account tests)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.accounts.support import cheap_scrypt, isolate_requests
from tests.factories import PASSWORD

SignIn = Callable[..., FlaskClient]


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_scrypt(monkeypatch)


@pytest.fixture(autouse=True)
def _isolated_requests(request: pytest.FixtureRequest) -> None:
    if "app" in request.fixturenames:  # pure unit tests need no app
        isolate_requests(request.getfixturevalue("app"))


@pytest.fixture()
def signin(app: Flask) -> SignIn:
    """A fresh client signed in as the given user (each client is a separate browser session)."""

    def do(user_or_email: object, password: str = PASSWORD, **extra: str) -> FlaskClient:
        email = getattr(user_or_email, "email", user_or_email)
        c = app.test_client()
        resp = c.post("/account/login", data={"email": email, "password": password, **extra})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return c

    return do
