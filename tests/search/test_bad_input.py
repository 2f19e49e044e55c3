"""Every "Bad input" case of the search issue: sensible results or a clear message, never an error page."""

from __future__ import annotations

import html
import re
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.accounts.support import isolate_requests


@pytest.fixture(autouse=True)
def _isolated(app: Flask) -> None:
    isolate_requests(app)


@pytest.fixture()
def market(publish):
    return {
        "storage": publish("大规模储能电站", summary="风光储一体化配套储能"),
        "pv": publish("屋顶光伏组件清洗机器人"),
        "battery": publish("钠离子电池正极材料"),
        "pem": publish("PEM电解槽膜电极国产化", summary="质子交换膜电解水制氢"),
        "ccus": publish("燃煤电厂碳捕集利用与封存示范"),
        "pv_full": publish("太阳能光伏支架"),
    }


def _page(client: FlaskClient, q: str, extra: str = "") -> str:
    resp = client.get(f"/search?q={quote(q)}{extra}")
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def _hits(page: str) -> set[str]:
    return {html.unescape(re.sub(r"</?mark>", "", t))
            for t in re.findall(r'data-testid="hit-title">(.*?)</a>', page, re.S)}


def _api(client: FlaskClient, q: str, extra: str = "") -> dict:
    resp = client.get(f"/api/v1/search?q={quote(q)}{extra}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()


FOUND = [
    ("储能", "大规模储能电站"),
    ("光伏", "屋顶光伏组件清洗机器人"),
    ("电池", "钠离子电池正极材料"),
    ("PEM电解槽", "PEM电解槽膜电极国产化"),
    ("pem", "PEM电解槽膜电极国产化"),
    ("ＰＥＭ电解槽", "PEM电解槽膜电极国产化"),  # full-width Latin
    ("质子交换膜电解槽", "PEM电解槽膜电极国产化"),  # synonym
    ("CCUS", "燃煤电厂碳捕集利用与封存示范"),
    ("ccus", "燃煤电厂碳捕集利用与封存示范"),
    ("碳捕集封存", "燃煤电厂碳捕集利用与封存示范"),
    ("　储能　", "大规模储能电站"),  # ideographic spaces
]
SYNTAX = ['"', "*", "-", "NEAR", "AND", "OR", "(", ")", ":", '" * - NEAR AND OR ( ) :', '储能 OR "', "储能*", "-储能",
          "NEAR(储能 光伏)", "储能:光伏", '"储能', "储能 AND", "'; DROP TABLE listing; --", "%", "_", "\\",
          "&lt;mark&gt;", "储能 -光伏", "储能 NOT 光伏", "^储能", "储能~2", "{储能}", "[储能]"]
BAD_PARAMETERS = [
    "&page=abc", "&page=-1", "&per_page=0", "&per_page=100000", "&sort=bogus", "&amount_min=lots",
    "&amount_max=1e999", "&amount_min=-5", "&posted_from=2024-13-45", "&posted_to=yesterday",
    "&field=warp_drive", "&region=999999", "&region=<script>", "&kind=alien", "&maturity=x&mode=y",
    "&amount_min=500万&amount_max=100万", "&posted_from=2030-01-01&posted_to=2020-01-01", "&q=second",
]


def test_words_of_any_shape_are_found(client, market) -> None:
    for q, title in FOUND:
        assert title in _hits(_page(client, q)), q
        assert title in {h["title"] for h in _api(client, q)["hits"]}, q


def test_synonym_of_a_two_character_word(client, market) -> None:
    assert _hits(_page(client, "光伏")) >= {"屋顶光伏组件清洗机器人", "太阳能光伏支架"}


def test_search_syntax_characters_are_plain_text(client, market) -> None:
    for q in SYNTAX:
        page = _page(client, q)
        assert 'data-testid="result-count"' in page, q
        assert _api(client, q)["total"] >= 0, q


def test_control_characters_in_the_query_are_refused_with_a_message(client, market) -> None:
    resp = client.get(f"/search?q={quote('稀土' + chr(0) + '永磁')}")
    assert resp.status_code == 400 and "控制字符" in resp.get_data(as_text=True)
    resp = client.get(f"/api/v1/search?q={quote('稀土' + chr(11))}")
    assert resp.status_code == 400 and "控制字符" in resp.get_json()["error"]["message"]


def test_syntax_around_words_still_finds_them(client, market) -> None:
    assert "大规模储能电站" in _hits(_page(client, "储能*"))
    assert "大规模储能电站" in _hits(_page(client, '"储能'))
    assert "大规模储能电站" in _hits(_page(client, "(储能)"))


def test_only_punctuation_says_so_instead_of_listing_everything(client, market) -> None:
    page = _page(client, '" * - ( ) :')
    assert 'data-testid="notice-no-words"' in page and not _hits(page)


def test_a_10000_character_query_is_cut_with_a_notice(client, market) -> None:
    q = "储能" * 5000
    page = _page(client, q)
    assert 'data-testid="notice-truncated"' in page
    assert "大规模储能电站" in _hits(page)
    assert 'value="' + "储能" * 100 + '"' in page  # the box holds the 200 characters used
    assert len(page) < 200_000
    words = " ".join(f"词{n}" for n in range(40))
    assert 'data-testid="notice-dropped-terms"' in _page(client, words)


def test_empty_query(client, market) -> None:
    for q in ("", " ", "　"):
        page = _page(client, q)
        assert len(_hits(page)) == 6
    assert client.get("/search").status_code == 200


def test_page_10000_says_it_is_past_the_end_and_links_to_the_last_page(client, market) -> None:
    page = _page(client, "储能", "&page=10000")
    assert 'data-testid="past-end"' in page and not _hits(page)
    link = html.unescape(re.search(r'href="([^"]+)" data-testid="last-page"', page).group(1))
    assert "page=" not in link  # the last page is page 1 here
    assert _hits(_page(client, "储能")) == {"大规模储能电站"}
    assert client.get("/search?q=x&page=99999999999999999999").status_code == 200


def test_bad_parameters_never_break_the_page(client, market) -> None:
    for extra in BAD_PARAMETERS:
        page = _page(client, "储能", extra)
        assert 'data-testid="result-count"' in page, extra
        assert "<script>" not in page, extra
        assert "大规模储能电站" in _hits(page) or "posted" in extra or "amount" in extra or "q=" in extra, extra


def test_bad_parameters_are_named_in_a_notice(client, market) -> None:
    assert 'data-testid="notice-problems"' in _page(client, "储能", "&amount_min=lots")
    dropped = _page(client, "储能", "&field=warp_drive")
    assert 'data-testid="notice-dropped"' in dropped and "warp_drive" in dropped
    assert "大规模储能电站" in _hits(dropped)
    swapped = _page(client, "储能", "&amount_min=500万&amount_max=100万")
    assert 'value="100万"' in swapped and 'data-testid="notice-problems"' not in swapped


def test_suggestions_with_bad_input(client, market) -> None:
    for q in ("储" * 10_000, '"', "%", "_", "\\", "NEAR", "ＰＥＭ"):
        resp = client.get(f"/search/suggest?q={quote(q)}")
        assert resp.status_code == 200 and set(resp.get_json()) == {"titles", "terms"}
    for q in ("稀\x00土", "\x00"):  # the input boundary (web/inputs.py) refuses control characters
        resp = client.get(f"/search/suggest?q={quote(q)}", headers={"Accept": "application/json"})
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "bad_request"
    assert client.get("/search/suggest?q=%25").get_json()["titles"] == []
