"""The results page, the header search box and suggestions, through the test client."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from techmarket.core.components import component, provide
from techmarket.core.roles import Role
from techmarket.listings.constants import Kind
from techmarket.search.service import SearchService
from tests.accounts.support import isolate_requests
from tests.search.contract_servers import closed_port_url, make_backend, use_elasticsearch


@pytest.fixture(autouse=True)
def _isolated(app: Flask) -> None:
    isolate_requests(app)


def _page(client: FlaskClient, url: str) -> str:
    resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _hits(page: str) -> list[str]:
    """Result titles in order, marks removed, entities decoded."""
    found = re.findall(r'data-testid="hit-title">(.*?)</a>', page, re.S)
    return [html.unescape(re.sub(r"</?mark>", "", t)) for t in found]


def _total(page: str) -> int:
    return int(re.search(r'data-total="(\d+)"', page).group(1))


def _count(page: str, facet: str, value: str) -> int:
    return int(re.search(rf'data-testid="count-{facet}-{value}">(\d+)<', page).group(1))


@pytest.fixture()
def market(publish):
    return {
        "magnet": publish("高性能钕铁硼稀土永磁材料", summary="用于风电机组的稀土永磁材料，矫顽力高",
                          fields=("rare_earth",), amount="1200000", division="150207"),
        "polish": publish("稀土抛光粉制备技术", fields=("rare_earth", "new_materials"), amount="300000",
                          division="150602", maturity="industrialised", modes=("licence_ordinary",)),
        "flow": publish("全钒液流电池储能系统", summary="大规模储能用液流电池", fields=("energy_storage",),
                        division="150602"),
        "pv": publish("光伏组件回收技术", fields=("new_energy",), division="150900"),
        "demand": publish("稀土冶炼废水处理需求", kind=Kind.DEMAND, fields=("rare_earth", "ecology"),
                          amount="500000", division="150207"),
    }


def test_results_link_to_listings_with_highlights_badges_prices_regions(client, market) -> None:
    page = _page(client, "/search?q=稀土永磁")
    assert _hits(page) == ["高性能钕铁硼稀土永磁材料"]
    magnet = market["magnet"]
    assert f'href="/listings/{magnet.id}" data-testid="hit-title">高性能钕铁硼<mark>稀土永磁</mark>材料</a>' in page
    assert "<mark>稀土永磁</mark>材料，矫顽力高" in page  # the summary snippet
    assert 'data-testid="kind-badge">科技成果<' in page
    assert "120.00 万元" in page
    assert "包头市" in page and "九原区" in page


def test_results_are_ranked_and_total_is_shown(client, market) -> None:
    page = _page(client, "/search?q=稀土")
    assert _total(page) == 3
    assert set(_hits(page)) == {"高性能钕铁硼稀土永磁材料", "稀土抛光粉制备技术", "稀土冶炼废水处理需求"}
    assert "3 条" in page or "3 listings" in page


def test_facet_counts_and_filters_live_in_the_url(client, market) -> None:
    page = _page(client, "/search?q=稀土")
    assert _count(page, "field", "rare_earth") == 3
    assert _count(page, "field", "new_materials") == 1
    assert _count(page, "region", "150200") == 2 and _count(page, "region", "150600") == 1
    assert _count(page, "maturity", "industrialised") == 1
    assert _count(page, "mode", "licence_ordinary") == 1
    filtered = _page(client, "/search?q=稀土&region=150200&kind=achievement")
    assert _hits(filtered) == ["高性能钕铁硼稀土永磁材料"]
    # The form keeps q, and the ticked boxes are the URL's filters.
    assert 'name="q" value="稀土"' in filtered
    assert 'value="150200" id="f-region-150200" checked' in filtered
    assert 'value="achievement" id="f-kind-achievement" checked' in filtered
    # A facet's counts ignore its own filter, so other values can be added: 150600 still shows 1.
    assert _count(filtered, "region", "150600") == 1
    assert _count(filtered, "kind", "demand") == 1  # the demand in 包头 (kind ignored), region applied


def test_chips_remove_one_filter_and_keep_the_rest(client, market) -> None:
    page = _page(client, "/search?q=稀土&field=rare_earth&region=150200&sort=newest")
    chips = re.findall(r'<a class="chip" href="([^"]+)"[^>]*data-testid="chip">\s*([^<]+)', page)
    labels = [html.unescape(label).strip() for _url, label in chips]
    assert labels == ["稀土", "包头市"]
    without_region = parse_qs(urlsplit(html.unescape(chips[1][0])).query)
    assert without_region == {"q": ["稀土"], "field": ["rare_earth"], "sort": ["newest"]}
    assert 'data-testid="clear-filters"' in page


def test_amount_and_date_filters(client, market) -> None:
    page = _page(client, "/search?q=稀土&amount_min=40万&amount_max=200万&sort=amount_asc")
    assert _hits(page) == ["稀土冶炼废水处理需求", "高性能钕铁硼稀土永磁材料"]
    chips = re.findall(r'data-testid="chip">\s*([^<]+)', page)
    assert [c for c in chips if "40.00 万元" in c] and [c for c in chips if "200.00 万元" in c]
    assert 'id="f-amount-min" name="amount_min" value="40万"' in page
    future = _page(client, "/search?q=稀土&posted_from=2999-01-01")
    assert _total(future) == 0


def test_sort_orders(client, market) -> None:
    asc = _hits(_page(client, "/search?q=稀土&sort=amount_asc"))
    assert asc == ["稀土抛光粉制备技术", "稀土冶炼废水处理需求", "高性能钕铁硼稀土永磁材料"]
    desc = _hits(_page(client, "/search?q=稀土&sort=amount_desc"))
    assert desc == list(reversed(asc))
    newest = _hits(_page(client, "/search?q=稀土&sort=newest"))
    assert newest == ["稀土冶炼废水处理需求", "稀土抛光粉制备技术", "高性能钕铁硼稀土永磁材料"]


def test_or_fallback_is_marked(client, market) -> None:
    page = _page(client, "/search?q=光伏 抛光粉")
    assert set(_hits(page)) == {"光伏组件回收技术", "稀土抛光粉制备技术"}
    assert 'data-testid="notice-match-any"' in page
    assert 'data-testid="notice-match-any"' not in _page(client, "/search?q=稀土 抛光粉")


def test_database_answers_when_elasticsearch_is_down(client, app, market) -> None:
    database = component(SearchService, app)
    use_elasticsearch(app, make_backend(closed_port_url()))
    page = _page(client, "/search?q=储能")
    assert _hits(page) == ["全钒液流电池储能系统"]
    assert 'data-testid="notice-degraded"' in page
    provide(app, SearchService, database)
    assert 'data-testid="notice-degraded"' not in _page(client, "/search?q=储能")


def test_pagination_keeps_the_query(client, publish) -> None:
    for n in range(5):
        publish(f"煤制烯烃工艺改进{n}号")
    page = _page(client, "/search?q=煤制烯烃&per_page=2&field=new_materials")
    assert len(_hits(page)) == 2 and _total(page) == 5
    links = re.findall(r'class="page-link" href="([^"#]+)"', page)
    assert links, "a pager"
    second = parse_qs(urlsplit(html.unescape(links[-1])).query)
    assert second["q"] == ["煤制烯烃"] and second["per_page"] == ["2"] and second["field"] == ["new_materials"]
    third = _page(client, "/search?q=煤制烯烃&per_page=2&page=3")
    assert len(_hits(third)) == 1


def test_empty_results_help(client, market) -> None:
    page = _page(client, "/search?q=液流电池 火星&region=150200")
    assert _total(page) == 0
    assert 'data-testid="empty-state"' in page
    assert 'data-testid="without-filters"' in page  # suggests removing the filters
    related = re.search(r'data-testid="related-terms">(.*?)</ul>', page, re.S).group(1)
    assert "全钒液流电池" in related
    assert "光伏组件回收技术" in re.search(r'data-testid="newest">(.*?)</ul>', page, re.S).group(1)


def test_empty_query_shows_every_listing_newest_first(client, market) -> None:
    page = _page(client, "/search")
    assert _total(page) == 5
    assert _hits(page)[0] == "稀土冶炼废水处理需求"
    assert _page(client, "/search?q=").count('data-testid="hit"') == 5


def test_confidential_demand_keeps_its_issuer_hidden(client, make, login, publish) -> None:
    secret = publish("氢能重卡加氢站建设需求", kind=Kind.DEMAND, fields=("hydrogen",),
                     description="内部工艺参数：鄂尔多斯某煤矿专用线", confidentiality="verified_only")
    issuer = secret.organisation.name
    page = _page(client, "/search?q=加氢站")
    assert _hits(page) == ["氢能重卡加氢站建设需求"]
    assert issuer not in page and 'data-testid="anonymous-issuer"' in page
    assert _total(_page(client, "/search?q=" + issuer)) == 0  # not findable by its issuer
    assert _total(_page(client, "/search?q=专用线")) == 0  # nor by its confidential details
    # A member of a verified organisation sees the issuer, as on the listing page.
    member = make.user(Role.ENTERPRISE)
    make.org(member, status="verified")
    login(member)
    assert issuer in _page(client, "/search?q=加氢站")


def test_header_search_box_on_every_page(client) -> None:
    page = _page(client, "/")
    form = re.search(r'<form class="header-search[^>]*>(.*?)</form>', page, re.S)
    assert form and 'action="/search"' in form.group(0) and 'method="get"' in form.group(0)
    assert '<label class="visually-hidden" for="header-q">' in form.group(1)
    assert 'name="q"' in form.group(1) and 'data-suggest-url="/search/suggest"' in form.group(1)
    assert '/static/js/search.js' in page


def test_suggestions(client, market, publish) -> None:
    publish("稀土草稿不公开", publish=False)
    resp = client.get("/search/suggest?q=稀")
    assert resp.status_code == 200 and resp.is_json
    data = resp.get_json()
    assert set(data) == {"titles", "terms"}
    assert data["titles"][0] == "稀土抛光粉制备技术" or data["titles"][0].startswith("稀")
    assert "稀土冶炼废水处理需求" in data["titles"] and "稀土草稿不公开" not in data["titles"]
    assert "高性能钕铁硼稀土永磁材料" in data["titles"]  # containing, after those starting with it
    assert "稀土" in data["terms"] and len(data["terms"]) <= 8
    assert all(t.startswith("稀") for t in data["terms"])
    longer = client.get("/search/suggest?q=稀土永").get_json()["terms"]
    assert longer[0] == "稀土永磁" and {"稀土永磁电机", "稀土永磁材料"} <= set(longer)  # shortest first
    assert {"PEM电解槽", "PEMFC"} <= set(client.get("/search/suggest?q=ＰＥＭ").get_json()["terms"])
    assert client.get("/search/suggest?q=").get_json() == {"titles": [], "terms": []}
    assert client.get("/search/suggest").get_json() == {"titles": [], "terms": []}
    assert client.get("/search/suggest?q=%25_%5C").get_json() == {"titles": [], "terms": []}
