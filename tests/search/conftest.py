"""Listings published through the real services, for the search tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from techmarket.accounts.services import actor_for
from techmarket.core.actor import Actor
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import services
from techmarket.listings.constants import Kind
from techmarket.listings.data import ListingData
from tests.search.contract_harness import corpus, engine, harness  # noqa: F401 - the contract's fixtures
from tests.search.contract_servers import es_server  # noqa: F401 - one osmem-server per session

OPERATOR = Actor(user_id=None, label="test operator", roles=frozenset({Role.OPERATOR}))


@pytest.fixture()
def publish(make):
    owner = make.user(Role.RESEARCHER)
    org = make.org(owner, status="verified", division="150207")

    def do(title: str, *, summary: str = "", description: str = "", fields: tuple[str, ...] = ("new_materials",),
           kind: Kind = Kind.ACHIEVEMENT, modes: tuple[str, ...] = ("transfer",), amount: str | None = None,
           division: str = "150207", maturity: str = "pilot", publish: bool = True, **extra: object):
        data = ListingData(title=title, summary=summary or title, description=description or title,
                           fields=list(fields), modes=list(modes), division_code=division,
                           negotiable=amount is None, amount_min=Decimal(amount) if amount else None,
                           maturity=maturity if kind == Kind.ACHIEVEMENT else "",
                           valid_until=dt.date.today() + dt.timedelta(days=200), **extra)  # type: ignore[arg-type]
        listing = services.create(db.session, actor_for(owner), org, kind, data)
        if publish:
            services.transition(db.session, actor_for(owner), listing, "submit")
            services.transition(db.session, OPERATOR, listing, "approve")
        db.session.commit()
        return listing

    return do
