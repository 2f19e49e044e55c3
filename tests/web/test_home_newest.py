"""The home page shows the newest public listings (kept with the other figures) and promises only what exists."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.listings.newest import HOME_LIMIT
from techmarket.web.views import init_caches
from tests.factories import Factories
from tests.listings.pages_support import client_for, isolated, make_listing  # noqa: F401 - autouse fixture
from tests.web.test_home_cache import TTL, Clock

# Features the site does not have (yet): the home page must not offer them.
NOT_THERE = re.compile(r"auction|\bbid|tender|open call|\bcalls?\b|match(?:ing|es)?\b|拍卖|竞价|竞拍|揭榜|挂帅|征集令|"
                       r"匹配|撮合|智能推荐", re.I)


@pytest.fixture()
def kept(app: Flask) -> Clock:
    """The home page caches on, with a clock of the test's own."""
    c = Clock()
    app.config["HOME_CACHE_SECONDS"] = TTL
    init_caches(app, clock=c)
    return c


def _soup(client, **headers: str) -> BeautifulSoup:
    resp = client.get("/", headers=headers)
    assert resp.status_code == 200
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def _titles(soup: BeautifulSoup, kind: str) -> list[str]:
    section = soup.find(attrs={"data-testid": f"newest-{kind}"})
    assert section is not None, f"no newest-{kind} section"
    return [li.find("a").get_text(strip=True) for li in section.find_all(attrs={"data-testid": "newest-item"})]


def test_newest_published_public_listings_are_on_the_home_page(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    make_listing(org, Kind.ACHIEVEMENT, title="较早发布的稀土抛光粉成果")
    make_listing(org, Kind.ACHIEVEMENT, title="最新发布的储能控制系统")
    make_listing(org, Kind.ACHIEVEMENT, title="尚在草稿的成果", status="draft")
    make_listing(org, Kind.ACHIEVEMENT, title="等待审核的成果", status="submitted")
    make_listing(org, Kind.DEMAND, title="公开的煤化工废水需求")
    make_listing(org, Kind.DEMAND, title="仅限认证单位查看的需求", confidentiality="verified_only")
    make_listing(org, Kind.DEMAND, title="已撤回的需求", status="withdrawn")

    soup = _soup(app.test_client())
    assert _titles(soup, "achievement") == ["最新发布的储能控制系统", "较早发布的稀土抛光粉成果"]
    assert _titles(soup, "demand") == ["公开的煤化工废水需求"]
    link = soup.find(attrs={"data-testid": "newest-demand"}).find("a", string="公开的煤化工废水需求")
    assert re.fullmatch(r"/listings/\d+", link["href"])
    # a signed-in member of a verified organisation sees the same lists (confidential ones are not advertised)
    member = make.org(status="verified").memberships[0].user
    assert _titles(_soup(client_for(app, member)), "demand") == ["公开的煤化工废水需求"]


def test_the_lists_are_short_and_say_when_empty(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    for n in range(HOME_LIMIT + 2):
        make_listing(org, Kind.ACHIEVEMENT, title=f"第{n}项成果：风光储一体化控制方法{n}")
    soup = _soup(app.test_client(), **{"Accept-Language": "en"})
    assert len(_titles(soup, "achievement")) == HOME_LIMIT
    assert "No demand is published yet." in soup.find(attrs={"data-testid": "newest-demand"}).get_text()


def test_the_newest_lists_are_kept_with_the_figures(app: Flask, make: Factories, kept: Clock) -> None:
    org = make.org(status="verified")
    make_listing(org, Kind.DEMAND, title="第一条需求")
    member = client_for(app, org.memberships[0].user)  # signed in: the page is rendered, the lists are kept
    assert _titles(_soup(member), "demand") == ["第一条需求"]
    make_listing(org, Kind.DEMAND, title="第二条需求")
    kept.now += TTL - 1
    assert _titles(_soup(member), "demand") == ["第一条需求"]
    kept.now += 2
    assert _titles(_soup(member), "demand") == ["第二条需求", "第一条需求"]
    db.session.rollback()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_the_home_page_promises_nothing_the_site_does_not_do(app: Flask, make: Factories, lang: str) -> None:
    for page in (_soup(app.test_client(), **{"Accept-Language": lang}),
                 _soup(client_for(app, make.user()), **{"Accept-Language": lang})):
        main = page.find(id="main") or page
        text = main.get_text(" ")
        assert not NOT_THERE.search(text), NOT_THERE.search(text)
