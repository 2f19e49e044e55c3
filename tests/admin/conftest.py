"""Fixtures of the admin tests: signed-in clients, an operator who reads English, a listing owner."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from techmarket.accounts.models import User
from techmarket.core.roles import Role
from tests.admin.moderation_support import Owner
from tests.factories import PASSWORD, Factories


@pytest.fixture()
def signin(app: Flask) -> Callable[[User], FlaskClient]:
    def do(user: User) -> FlaskClient:
        c = app.test_client()
        resp = c.post("/account/login", data={"email": user.email, "password": PASSWORD})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
        return c

    return do


@pytest.fixture()
def operator(make: Factories) -> User:
    return make.user(Role.OPERATOR, language="en", name="Operator One")


@pytest.fixture()
def owner(make: Factories) -> Owner:
    return Owner(make)
