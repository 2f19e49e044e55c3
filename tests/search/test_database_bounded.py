"""The database backend on large result sets: the relevance window and sampled facets (SQLite), with the
limits made small so a few dozen documents cross them. Below the limits everything is exact (the contract
suite); above them totals stay exact, pages stay a consistent order, and facets say they are estimates."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from flask import Flask

from techmarket.extensions import db
from techmarket.search import fts
from techmarket.search.database import DatabaseBackend
from techmarket.search.documents import Document, SearchQuery
from techmarket.search.query import parse

N = 60
REGIONS = ["150100", "150200", "150600"]


def _doc(i: int) -> Document:
    words = "储能电池" if i % 3 else "储能"  # every document matches 储能; two in three also 电池
    body = "电池 " * (i % 5) + words + ("，系统集成" if i % 2 else "")
    tags = {"kind": ("demand" if i % 4 == 0 else "achievement",), "field": ("energy_storage",),
            "region": (REGIONS[i % 3],), "mode": ("transfer",) if i % 2 else ("transfer", "service")}
    return Document(doc_type="listing", object_id=i, title=f"样品{i} " + ("储能系统" if i % 7 == 0 else "设备"),
                    body=body, tags=tags, amount_min=Decimal(1000 * i) if i % 6 else None,
                    published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=i % 11))


@pytest.fixture()
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fts, "RANK_WINDOW", 10)
    monkeypatch.setattr(fts, "FACET_EXACT_LIMIT", 10)
    monkeypatch.setattr(fts, "FACET_SAMPLE", 8)


@pytest.fixture()
def backend(app: Flask, small_limits: None) -> DatabaseBackend:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the window and the sample are how the SQLite backend bounds its work")
    b = DatabaseBackend(db.session)
    b.index([_doc(i) for i in range(1, N + 1)])
    db.session.commit()
    return b


def _search(b: DatabaseBackend, text: str, **kw: object) -> tuple[list[int], int, dict, bool]:
    r = b.search(SearchQuery(terms=parse(text).terms, **kw))  # type: ignore[arg-type]
    return [h.object_id for h in r.hits], r.total, r.facets, r.facets_exact


def _all_pages(b: DatabaseBackend, text: str, per_page: int = 7, **kw: object) -> list[int]:
    out: list[int] = []
    page = 1
    while True:
        ids, total, _, _ = _search(b, text, page=page, per_page=per_page, **kw)
        out += ids
        if not ids or len(out) >= total:
            return out
        page += 1


def test_relevance_ranks_the_most_recent_matches_first_and_pages_through_all(backend: DatabaseBackend) -> None:
    ids, total, _, _ = _search(backend, "储能", per_page=10)
    assert total == N
    assert set(ids) == set(range(N - 9, N + 1))  # the ten most recently indexed matches
    every = _all_pages(backend, "储能")
    assert sorted(every) == list(range(1, N + 1))  # each match once, across the window's edge too
    assert set(every[:10]) == set(range(N - 9, N + 1))
    scores = [h.score for h in backend.search(SearchQuery(terms=parse("储能").terms, per_page=10)).hits]
    assert scores == sorted(scores, reverse=True)


def test_a_page_that_straddles_the_window(backend: DatabaseBackend) -> None:
    every = _all_pages(backend, "储能", per_page=1)
    ids, _, _, _ = _search(backend, "储能", page=2, per_page=7)  # positions 8-14: window and after it
    assert ids == every[7:14]


def test_other_sorts_order_every_match(backend: DatabaseBackend) -> None:
    docs = {d.object_id: d for d in (_doc(i) for i in range(1, N + 1)) if "电池" in d.title + d.body}
    newest = sorted(docs, key=lambda i: (docs[i].published_at, i), reverse=True)
    assert _all_pages(backend, "电池", sort="newest") == newest
    ids, total, _, _ = _search(backend, "电池", sort="newest", per_page=5)
    assert ids == newest[:5] and total == len(docs)


def test_facets_beyond_the_limit_are_estimates_scaled_to_the_total(backend: DatabaseBackend) -> None:
    _, total, facets, exact = _search(backend, "储能")
    assert not exact
    truth = Counter(_doc(i).tags["kind"][0] for i in range(1, N + 1))
    assert set(facets["kind"]) == set(truth)
    assert abs(sum(facets["kind"].values()) - total) <= len(truth)  # scaled to the total (rounding)
    assert all(abs(facets["kind"][k] - n) <= total / 4 for k, n in truth.items())


def test_facets_are_exact_under_the_limit(backend: DatabaseBackend) -> None:
    _, total, facets, exact = _search(backend, "储能", filters={"region": ["150200"], "kind": ["demand"]})
    expected = [d for d in (_doc(i) for i in range(1, N + 1))
                if d.tags["region"] == ("150200",) and d.tags["kind"] == ("demand",)]
    assert exact and total == len(expected) == 5
    assert facets["region"] == {"150200": 5}
    assert facets["mode"] == dict(Counter(m for d in expected for m in d.tags["mode"]).most_common())


def test_filters_keep_totals_exact_and_pages_consistent(backend: DatabaseBackend) -> None:
    expected = {i for i in range(1, N + 1) if REGIONS[i % 3] == "150100"}
    ids, total, facets, exact = _search(backend, "储能", filters={"region": ["150100"]}, per_page=10)
    assert total == len(expected) == 20
    assert not exact and facets["region"] == {"150100": 20}
    assert set(ids) == set(sorted(expected)[-10:])  # the window counts matches that pass the filters
    assert sorted(_all_pages(backend, "储能", filters={"region": ["150100"]})) == sorted(expected)


def test_amount_filters_and_sorts_beyond_the_window(backend: DatabaseBackend) -> None:
    priced = {i: Decimal(1000 * i) for i in range(1, N + 1) if i % 6}
    wanted = sorted((i for i, a in priced.items() if a >= 30_000), key=lambda i: (priced[i], -i))
    assert _all_pages(backend, "储能", sort="amount_asc", amount_min=Decimal(30_000)) == wanted


def test_browsing_without_words_samples_facets_too(backend: DatabaseBackend) -> None:
    ids, total, facets, exact = _search(backend, "", per_page=5)
    assert total == N and len(ids) == 5 and not exact
    assert abs(sum(facets["kind"].values()) - N) <= 2
