"""The public browse pages: filters that narrow and live in the URL, chips, sort, paging, empty state."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.listings.models import Listing
from tests.factories import Factories
from tests.listings.pages_support import (
    html,
    isolated,  # noqa: F401 - autouse fixture
    make_listing,
)


def _titles(page: str) -> list[str]:
    return re.findall(r'data-testid="result">.*?<a href="/listings/\d+">([^<]+)</a>', page, re.S)


def _market(make: Factories) -> dict[str, Listing]:
    baotou = make.org(status="verified", division="150207")  # 包头市 九原区
    ordos = make.org(status="verified", division="150602")  # 鄂尔多斯市 东胜区
    return {
        "magnet": make_listing(baotou, title="稀土永磁材料回收技术", fields=["rare_earth"], maturity="pilot",
                               modes=["transfer"], amount_min=Decimal("800000"), amount_max=Decimal("1500000")),
        "hydrogen": make_listing(ordos, title="绿氢制备电解槽技术", fields=["hydrogen"], maturity="industrialised",
                                 modes=["licence_ordinary"], amount_min=Decimal("3000000"), amount_max=None),
        "ccus": make_listing(ordos, title="煤电碳捕集封存示范技术", fields=["ccus", "power"], maturity="lab",
                             modes=["co_development"], negotiable=True, amount_min=None, amount_max=None),
        "draft": make_listing(baotou, title="未发布的草稿成果", status="draft"),
        "demand": make_listing(baotou, Kind.DEMAND, title="稀土冶炼废水处理需求", fields=["rare_earth"]),
    }


def test_browse_lists_only_published_listings_of_the_kind(client: FlaskClient, make: Factories) -> None:
    _market(make)
    page = html(client.get("/listings/achievements"))
    assert sorted(_titles(page)) == sorted(["稀土永磁材料回收技术", "绿氢制备电解槽技术", "煤电碳捕集封存示范技术"])
    assert 'data-testid="result-count"' in page
    demands = html(client.get("/listings/demands"))
    assert _titles(demands) == ["稀土冶炼废水处理需求"]


def test_each_filter_narrows_results(client: FlaskClient, make: Factories) -> None:
    _market(make)
    cases = {
        "field=rare_earth": ["稀土永磁材料回收技术"],
        "field=hydrogen&field=ccus": ["绿氢制备电解槽技术", "煤电碳捕集封存示范技术"],
        "region=150600": ["绿氢制备电解槽技术", "煤电碳捕集封存示范技术"],
        "region=150200": ["稀土永磁材料回收技术"],
        "maturity=lab": ["煤电碳捕集封存示范技术"],
        "mode=licence_ordinary": ["绿氢制备电解槽技术"],
        "amount_min=200万": ["绿氢制备电解槽技术"],
        "amount_max=100万": ["稀土永磁材料回收技术"],
        "amount_min=50万&amount_max=1000000": ["稀土永磁材料回收技术"],
    }
    for query, expected in cases.items():
        page = html(client.get(f"/listings/achievements?{query}"))
        assert sorted(_titles(page)) == sorted(expected), query


def test_posted_date_range_filters(client: FlaskClient, make: Factories) -> None:
    _market(make)
    assert len(_titles(html(client.get("/listings/achievements?posted_from=2000-01-01")))) == 3
    assert _titles(html(client.get("/listings/achievements?posted_to=2000-01-01"))) == []


def test_sort_by_amount_puts_negotiable_last(client: FlaskClient, make: Factories) -> None:
    _market(make)
    asc = _titles(html(client.get("/listings/achievements?sort=amount_asc")))
    desc = _titles(html(client.get("/listings/achievements?sort=amount_desc")))
    assert asc == ["稀土永磁材料回收技术", "绿氢制备电解槽技术", "煤电碳捕集封存示范技术"]
    assert desc == ["绿氢制备电解槽技术", "稀土永磁材料回收技术", "煤电碳捕集封存示范技术"]


def test_filters_show_as_removable_chips(client: FlaskClient, make: Factories) -> None:
    _market(make)
    page = html(client.get("/listings/achievements?field=hydrogen&field=ccus&region=150600&sort=oldest"))
    chips = re.findall(r'<a class="chip" href="([^"]+)"', page)
    assert len(chips) == 3
    removing_hydrogen = next(c for c in chips if "hydrogen" not in c)
    args = parse_qs(urlsplit(removing_hydrogen.replace("&amp;", "&")).query)
    assert args == {"field": ["ccus"], "region": ["150600"], "sort": ["oldest"]}
    # The sidebar form shows the same filters checked, so it works without JavaScript.
    assert re.search(r'value="hydrogen" id="f-field-hydrogen" checked', page)
    assert re.search(r'value="150600" id="f-region-150600" checked', page)


def test_empty_state_suggests_removing_filters(client: FlaskClient, make: Factories) -> None:
    _market(make)
    page = html(client.get("/listings/achievements?field=graphene"))
    assert 'data-testid="empty-state"' in page
    assert "Clear all filters" in page or "清除" in page or 'href="/listings/achievements"' in page
    assert _titles(page) == []


def test_bad_filter_values_are_ignored_and_said(client: FlaskClient, make: Factories) -> None:
    _market(make)
    resp = client.get("/listings/achievements?amount_min=abc&posted_from=yesterday&field=nonsense")
    assert resp.status_code == 200
    page = html(resp)
    assert len(_titles(page)) == 3
    assert 'role="status"' in page  # the warning about ignored filters


def test_pagination_keeps_filters(app: Flask, client: FlaskClient, make: Factories) -> None:
    org = make.org(status="verified")
    for i in range(25):
        make_listing(org, title=f"石墨烯导热膜技术 {i:02d}", fields=["graphene", "new_materials"])
    make_listing(org, title="不相关的氢能技术", fields=["hydrogen"])
    first = html(client.get("/listings/achievements?field=graphene&field=new_materials"))
    assert len(_titles(first)) == 20
    links = re.findall(r'href="(/listings/achievements\?[^"]*page=2[^"]*)"', first)
    assert links, "a link to page 2"
    args = parse_qs(urlsplit(links[0].replace("&amp;", "&")).query)
    assert args["field"] == ["graphene", "new_materials"]
    second = html(client.get(links[0].replace("&amp;", "&")))
    assert len(_titles(second)) == 5
    assert not set(_titles(first)) & set(_titles(second))


def test_export_links_appear_when_the_export_endpoint_exists(app: Flask, client: FlaskClient,
                                                              make: Factories) -> None:
    _market(make)
    page = html(client.get("/listings/achievements?field=rare_earth"))
    has_export = "listings_io.export" in app.view_functions
    assert ('data-testid="export-links"' in page) == has_export
    if has_export:
        assert "field=rare_earth" in page.split('data-testid="export-links"')[1][:600]


def test_home_page_counts_published_listings(client: FlaskClient, make: Factories) -> None:
    _market(make)
    page = html(client.get("/"))
    figures = page.split('data-testid="figures"')[1]
    assert 'data-testid="published-achievements">3<' in figures
    assert 'data-testid="published-demands">1<' in figures


def test_price_shows_range_or_negotiable(client: FlaskClient, make: Factories) -> None:
    _market(make)
    page = html(client.get("/listings/achievements", headers={"Accept-Language": "en"}))
    client.get("/lang/en")
    page = html(client.get("/listings/achievements"))
    assert "Negotiable" in page
    assert "¥800,000.00 – ¥1,500,000.00" in page
    assert "from ¥3,000,000.00" in page
    db.session.remove()


def test_past_the_count_cap_the_page_says_more_than_and_still_pages_on(
        client: FlaskClient, make: Factories, monkeypatch) -> None:
    from techmarket.listings import queries

    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    org = make.org(status="verified")
    for i in range(6):
        make_listing(org, title=f"石墨烯导热膜技术 {i:02d}", fields=["graphene"], amount_min=Decimal(100000 + i))
    first = html(client.get("/listings/achievements?per_page=1&sort=amount_asc",
                            headers={"Accept-Language": "zh-CN"}))
    assert "共找到 3 条以上信息" in first and "共 3 条以上，第 1 页" in first
    assert _titles(first) == ["石墨烯导热膜技术 00"]
    assert re.search(r'href="/listings/achievements\?[^"]*page=2', first)
    en = {"Accept-Language": "en"}
    fourth = html(client.get("/listings/achievements?per_page=1&sort=amount_asc&page=4", headers=en))
    assert _titles(fourth) == ["石墨烯导热膜技术 03"]
    assert "More than 5 listings found" in fourth  # counted to the end of the next page
    last = html(client.get("/listings/achievements?per_page=4&page=2&sort=amount_desc", headers=en))
    assert _titles(last) == ["石墨烯导热膜技术 01", "石墨烯导热膜技术 00"]
    assert "6 listings found" in last and "6 in all, page 2 of 2" in last  # a partial last page counts exactly


def test_sort_by_amount_breaks_ties_newest_first_and_keeps_negotiable_last(
        client: FlaskClient, make: Factories) -> None:
    org = make.org(status="verified")
    same = [make_listing(org, title=f"同价成果 {i}", fields=["graphene"], amount_min=Decimal(500000))
            for i in range(3)]
    make_listing(org, title="面议成果", fields=["graphene"], negotiable=True, amount_min=None, amount_max=None)
    make_listing(org, title="低价成果", fields=["graphene"], amount_min=Decimal(1000))
    newest_first = [x.title for x in sorted(same, key=lambda x: x.id, reverse=True)]
    assert _titles(html(client.get("/listings/achievements?sort=amount_asc"))) == [
        "低价成果", *newest_first, "面议成果"]
    assert _titles(html(client.get("/listings/achievements?sort=amount_desc"))) == [
        *newest_first, "低价成果", "面议成果"]
