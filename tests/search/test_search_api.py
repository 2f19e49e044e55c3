"""``GET /api/v1/search``: the page's search as JSON, with the same parameters."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from techmarket.listings.constants import Kind


def _get(client: FlaskClient, query: str, status: int = 200) -> dict:
    resp = client.get("/api/v1/search" + query)
    assert resp.status_code == status, resp.get_data(as_text=True)[:500]
    assert resp.mimetype == "application/json"
    return resp.get_json()


@pytest.fixture()
def market(publish):
    return {
        "magnet": publish("<script>alert(1)</script>稀土永磁", summary="烧结钕铁硼稀土永磁 & 磁体", amount="1200000",
                          fields=("rare_earth",)),
        "polish": publish("稀土抛光粉制备技术", fields=("rare_earth", "new_materials"), amount="300000",
                          division="150602"),
        "ccus": publish("煤电碳捕集利用与封存示范", fields=("ccus",), division="150602"),
        "demand": publish("稀土冶炼废水处理需求", kind=Kind.DEMAND, fields=("rare_earth",),
                          confidentiality="verified_only", description="机密：白云鄂博专用工艺"),
    }


def test_shape_of_the_answer(client, market) -> None:
    data = _get(client, "?q=稀土永磁")
    assert {"query", "total", "page", "per_page", "match_any", "degraded", "hits", "facets"} <= set(data)
    assert data["query"] == "稀土永磁" and data["total"] == 1 and data["page"] == 1 and data["per_page"] == 20
    assert data["match_any"] is False and data["degraded"] is False
    (hit,) = data["hits"]
    magnet = market["magnet"]
    assert hit["id"] == magnet.id and hit["kind"] == "achievement"
    assert hit["title"] == "<script>alert(1)</script>稀土永磁"  # the raw title; the highlight is the HTML
    assert hit["highlight"]["title"] == "&lt;script&gt;alert(1)&lt;/script&gt;<mark>稀土永磁</mark>"
    assert hit["highlight"]["summary"] == "烧结钕铁硼<mark>稀土永磁</mark> &amp; 磁体"
    assert isinstance(hit["score"], float) and hit["score"] > 0
    assert hit["url"].endswith(f"/listings/{magnet.id}")


def test_facets_with_labels_and_counts(client, market) -> None:
    data = _get(client, "?q=稀土")
    assert data["total"] == 3
    fields = {f["value"]: f for f in data["facets"]["field"]}
    assert fields["rare_earth"]["count"] == 3 and fields["new_materials"]["count"] == 1
    assert fields["rare_earth"]["label"]
    kinds = {f["value"]: f["count"] for f in data["facets"]["kind"]}
    assert kinds == {"achievement": 2, "demand": 1}
    regions = {f["value"]: (f["label"], f["count"]) for f in data["facets"]["region"]}
    assert regions["150200"] == ("包头市", 2) and regions["150600"] == ("鄂尔多斯市", 1)


def test_same_parameters_as_the_page(client, market) -> None:
    assert [h["title"] for h in _get(client, "?q=稀土&kind=demand")["hits"]] == ["稀土冶炼废水处理需求"]
    assert _get(client, "?q=稀土&kind=all")["total"] == 3
    assert [h["title"] for h in _get(client, "?q=稀土&region=150600")["hits"]] == ["稀土抛光粉制备技术"]
    assert _get(client, "?q=稀土&field=new_materials&field=ccus")["total"] == 1
    by_price = _get(client, "?q=稀土&sort=amount_desc&amount_min=20万")
    assert [h["title"] for h in by_price["hits"]] == ["<script>alert(1)</script>稀土永磁", "稀土抛光粉制备技术"]
    paged = _get(client, "?q=稀土&per_page=2&page=2")
    assert paged["page"] == 2 and paged["per_page"] == 2 and len(paged["hits"]) == 1 and paged["pages"] == 2


def test_synonyms_and_or_fallback(client, market) -> None:
    assert [h["title"] for h in _get(client, "?q=CCUS")["hits"]] == ["煤电碳捕集利用与封存示范"]
    data = _get(client, "?q=抛光粉 碳捕集")
    assert data["match_any"] is True and data["total"] == 2


def test_confidential_demand_is_found_only_by_its_public_parts(client, market) -> None:
    assert _get(client, "?q=白云鄂博专用工艺")["total"] == 0
    by_issuer = [h["title"] for h in _get(client, "?q=" + market["demand"].organisation.name)["hits"]]
    assert by_issuer and "稀土冶炼废水处理需求" not in by_issuer  # its public achievements are, the demand not
    hit = _get(client, "?q=冶炼废水")["hits"][0]
    assert set(hit) == {"id", "kind", "title", "highlight", "score", "url"}  # no issuer in the API


@pytest.mark.parametrize(("query", "names"), [
    ("?q=稀土&page=abc", ["page"]),
    ("?q=稀土&page=0", ["page"]),
    ("?q=稀土&per_page=-5", ["per_page"]),
    ("?q=稀土&sort=price", ["sort"]),
    ("?q=稀土&amount_min=lots&posted_to=yesterday", ["amount_min", "posted_to"]),
])
def test_unusable_parameters_are_400_naming_them(client, market, query: str, names: list[str]) -> None:
    data = _get(client, query, status=400)
    assert data["error"]["code"] == "invalid_parameter"
    assert sorted(data["error"]["fields"]) == names
    for name in names:
        assert name in data["error"]["message"]
        assert data["error"]["fields"][name]["en"] and data["error"]["fields"][name]["zh"]


def test_sensible_defaults_for_the_rest(client, market) -> None:
    data = _get(client, "?q=稀土&per_page=1000&field=warp_drive&region=999999&kind=alien")
    assert data["per_page"] == 100 and data["total"] == 3
    assert data["ignored"] == {"kind": ["alien"], "field": ["warp_drive"], "region": ["999999"]}
    past = _get(client, "?q=稀土&page=10000")
    assert past["hits"] == [] and past["total"] == 3 and past["pages"] == 1
    long = _get(client, "?q=" + "稀土" * 5000)
    assert long["truncated"] is True and len(long["query"]) == 200 and long["total"] == 3
    empty = _get(client, "?q=")
    assert empty["total"] == 4 and empty["query"] == ""


def test_estimated_facets_are_marked_on_the_page_and_in_the_json(client, publish, app, monkeypatch) -> None:
    from techmarket.extensions import db
    from techmarket.search import fts

    for i in range(8):
        publish(f"稀土永磁材料样品{i}", fields=("rare_earth",))
    exact = _get(client, "?q=稀土")
    assert exact["facets_exact"] is True
    assert 'data-testid="facets-estimated"' not in client.get("/search?q=稀土").get_data(as_text=True)
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL counts every match exactly
    monkeypatch.setattr(fts, "FACET_EXACT_LIMIT", 3)
    monkeypatch.setattr(fts, "FACET_SAMPLE", 2)
    data = _get(client, "?q=稀土")
    assert data["facets_exact"] is False and data["total"] == 8  # the total stays exact
    page = client.get("/search?q=稀土").get_data(as_text=True)
    assert 'data-testid="facets-estimated"' in page and "≈" in page
