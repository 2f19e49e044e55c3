"""The home page lists the newest open 揭榜挂帅 calls beside the newest listings once there are some, kept with the
other home-page figures."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from techmarket.challenges import calls
from techmarket.extensions import db
from techmarket.web.views import init_caches
from tests.challenges.builders import OPERATOR, call_data, scene
from tests.factories import Factories
from tests.listings.pages_support import client_for, isolated  # noqa: F401 - autouse fixture
from tests.web.test_home_cache import TTL, Clock
from tests.web.test_home_newest import _soup, _titles


@pytest.fixture()
def kept(app: Flask) -> Clock:
    c = Clock()
    app.config["HOME_CACHE_SECONDS"] = TTL
    init_caches(app, clock=c)
    return c


def test_open_calls_are_on_the_home_page_and_kept_with_the_figures(app: Flask, make: Factories, kept: Clock) -> None:
    assert _soup(app.test_client()).find(attrs={"data-testid": "newest-call"}) is None  # none yet: no section
    kept.now += TTL + 1
    s = scene(make)
    calls.create(db.session, s.p, call_data(s.poster_org.id, title="尚在草稿的榜单"))
    db.session.commit()
    member = client_for(app, s.applicant)
    soup = _soup(member)
    assert _titles(soup, "call") == [s.call.title]
    section = soup.find(attrs={"data-testid": "newest-call"})
    assert re.fullmatch(r"/challenges/\d+", section.find("a", string=s.call.title)["href"])
    assert "查看全部 1 条" in section.get_text() and "截止" in section.get_text()  # the member reads Chinese

    second = calls.create(db.session, s.p, call_data(s.poster_org.id, title="第二个揭榜挂帅榜单"))
    calls.act(db.session, s.p, second, "submit")
    calls.act(db.session, OPERATOR, second, "approve")
    db.session.commit()
    kept.now += TTL - 1
    assert _titles(_soup(member), "call") == [s.call.title]  # kept for the TTL
    kept.now += 2
    assert _titles(_soup(app.test_client()), "call") == ["第二个揭榜挂帅榜单", s.call.title]
