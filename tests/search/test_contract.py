"""One contract for every search backend: the same documents, the same queries, the same answers.

Variants: the database backend on SQLite, on PostgreSQL (when ``TECHMARKET_TEST_DATABASE_URL`` is set), and
the Elasticsearch backend against osmem-server (next to each database, for the service's fallback).
Relevance *scores* differ by nature (FTS5 bm25, PostgreSQL ts_rank_cd, Lucene BM25), so orders are asserted
where the contract defines them: title beats body, equal scores fall back to newest then id, and every
non-relevance sort; elsewhere the hit set and the total.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from techmarket.search.documents import Document
from techmarket.search.query import parse
from tests.search.contract_corpus import paging_corpus
from tests.search.contract_harness import Harness

NEWEST = [12, 4, 9, 3, 15, 8, 2, 7, 6, 14, 1, 5, 10, 11, 13]


# -- words ---------------------------------------------------------------------------------------------

def test_two_character_words(corpus: Harness) -> None:
    assert corpus.found("储能") == {1, 9, 12, 15}
    assert corpus.found("电池") == {1, 5, 7, 9, 14, 15}
    assert corpus.ids("光伏") == [15, 8, 1]  # title matches first; among them the newest
    assert corpus.search("储能").total == 4


def test_a_domain_term_that_jieba_cuts_across_words(corpus: Harness) -> None:
    # 1 is titled 大规模储能电站…: jieba cuts it 大规模 + 储能电站, hiding the dictionary term 大规模储能.
    assert corpus.ids("大规模储能") == [1]
    assert corpus.ids('"大规模储能"') == [1]
    assert corpus.ids("大规模储能电站") == [1]
    assert corpus.ids('"大规模储能电站"') == [1]  # the phrase's words stay consecutive
    assert corpus.ids('"储能电站与光伏电池"') == [1]


def test_mixed_chinese_and_latin_and_synonyms(corpus: Harness) -> None:
    assert corpus.ids("PEM电解槽") == [2]
    assert corpus.ids("质子交换膜电解槽") == [2]  # synonym of PEM电解槽
    assert corpus.found("pem") == {2, 14}
    assert corpus.found("CCUS") == {3, 4}
    assert corpus.found("碳捕集利用与封存") == {3, 4}  # CCUS = 碳捕集利用与封存
    assert corpus.found("锂电") == {1, 5, 7}  # 锂电 = 锂离子电池 = 锂电池 (in 1: 磷酸铁锂电池, cut 磷酸铁锂 + 电池)


def test_full_width_characters(corpus: Harness) -> None:
    assert corpus.found("ＰＥＭ") == corpus.found("pem") == {2, 14}
    assert corpus.ids("ＰＥＭ电解槽") == corpus.ids("PEM电解槽") == [2]


BROWSE = None  # nothing searchable is left: every document, newest first
SYNTAX = [('"', BROWSE), ("*", BROWSE), ("-", BROWSE), ("AND", BROWSE), ("OR", BROWSE), ("(", BROWSE),
          (")", BROWSE), (":", BROWSE), ('" * - ( ) :', BROWSE), ("((((", BROWSE), ("'", BROWSE), ("^", BROWSE),
          ("{}", BROWSE), ("\\", BROWSE),
          ("NEAR", {13}), ('"储能', {1, 9, 12, 15}), ("储能* -电池", {1, 9, 15}), ("储能 AND (电池 OR", {1, 9, 15}),
          ("储能 NEAR/3 电池", set()), ("title:储能", set()), ("NOT 储能", set()), ("储能~2", set())]


@pytest.mark.parametrize(("text", "expected"), SYNTAX)
def test_fts_syntax_is_only_text(corpus: Harness, text: str, expected: set[int] | None) -> None:
    result = corpus.search(text, per_page=100)
    if expected is BROWSE:
        assert not parse(text).terms
        assert [h.object_id for h in result.hits] == NEWEST
    else:  # the words are searched as words (near, title, not, 2 ...); the operators are nothing
        assert {h.object_id for h in result.hits} == expected
    assert result.total == len(result.hits)


def test_syntax_words_find_documents_that_contain_them(corpus: Harness) -> None:
    assert corpus.ids("NEAR") == [13]
    assert corpus.ids('near AND "引号" * - ( ) :') == [13]
    assert corpus.ids("储能 AND 电池") == corpus.ids("储能 电池")


def test_ten_thousand_character_query(corpus: Harness) -> None:
    parsed = parse("储能" * 5000)
    assert parsed.truncated
    assert corpus.found("储能" * 5000) == {1, 9, 12, 15}
    assert corpus.search("x" * 10_000).total == 15  # one token longer than any word: dropped, so browse
    assert corpus.found("储能 光伏 " * 2000) == {1, 15}


def test_empty_query_browses_newest(corpus: Harness) -> None:
    assert corpus.ids("") == NEWEST
    assert corpus.ids("", sort="relevance") == NEWEST
    assert corpus.search("").total == 15


def test_phrases(corpus: Harness) -> None:
    assert corpus.ids('"储能 电池"') == [9]  # consecutive tokens only
    assert corpus.found("储能 电池") == {1, 9, 15}  # AND of words: anywhere
    assert corpus.found('"电池 储能"') == {1, 15}
    assert corpus.ids('"引号"') == [13]


def test_and_then_or_fallback_in_the_service(corpus: Harness) -> None:
    result = corpus.via_service("储能 稀土永磁")
    assert result.match_any and not result.degraded
    assert {h.object_id for h in result.hits} == {1, 6, 9, 12, 15}
    strict = corpus.via_service("储能 电池")
    assert not strict.match_any and {h.object_id for h in strict.hits} == {1, 9, 15}
    assert corpus.via_service("储能").backend == corpus.name


# -- filters -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("facet", "values", "expected"), [
    ("kind", ["demand"], {4, 12}),
    ("field", ["hydrogen"], {2, 14, 15}),
    ("field", ["graphene", "rare_earth"], {6, 7}),  # any of the values
    ("region", ["150200"], {1, 3, 6, 12, 14}),
    ("maturity", ["industrialised"], {2, 8, 10, 11}),
    ("mode", ["co_development"], {3, 4, 12}),
    ("mode", ["nothing-like-this"], set()),
])
def test_filter_on_each_facet(corpus: Harness, facet: str, values: list[str], expected: set[int]) -> None:
    assert corpus.found("", filters={facet: values}) == expected


def test_filters_combine_with_words_and_each_other(corpus: Harness) -> None:
    assert corpus.found("储能", filters={"region": ["150200"]}) == {1, 12}
    assert corpus.found("", filters={"kind": ["achievement"], "field": ["hydrogen"], "region": ["150200"]}) == {14}


@pytest.mark.parametrize(("low", "high", "expected"), [
    ("80000.50", None, {1, 2, 4, 5, 6, 9, 11, 12, 15}),  # overlap: the document's range reaches the minimum
    ("80000.495", None, {1, 2, 4, 5, 6, 9, 11, 12, 15}),  # decimal, not float: 80000.49 stays out
    (None, "80000.49", {7, 11}),
    (None, "80000.499", {7, 11}),
    ("100000", "450000", {4, 9, 12}),
    ("150000", "150000", {9}),  # 4 (300,000-800,000) and 12 (up to 400,000) do not reach down to it
    ("3000000", None, set()),
])
def test_amount_range(corpus: Harness, low: str | None, high: str | None, expected: set[int]) -> None:
    kw = {"amount_min": Decimal(low) if low else None, "amount_max": Decimal(high) if high else None}
    assert corpus.found("", **kw) == expected


@pytest.mark.parametrize(("start", "end", "expected"), [
    ("2026-03-01", None, {3, 4, 9, 12}),
    (None, "2025-12-01", {5, 10, 11, 13}),  # the end day is included
    ("2026-02-01", "2026-02-20", {2, 7, 8}),
    ("2027-01-01", None, set()),
])
def test_posted_date_range(corpus: Harness, start: str | None, end: str | None, expected: set[int]) -> None:
    kw = {"posted_from": dt.date.fromisoformat(start) if start else None,
          "posted_to": dt.date.fromisoformat(end) if end else None}
    assert corpus.found("", **kw) == expected


# -- sorting, facets, paging ---------------------------------------------------------------------------

@pytest.mark.parametrize(("sort", "expected"), [
    ("newest", NEWEST),
    ("amount_asc", [11, 7, 5, 9, 4, 12, 1, 15, 2, 6, 14, 13, 10, 8, 3]),  # no amount: last, newest id first
    ("amount_desc", [6, 2, 15, 1, 12, 4, 9, 5, 7, 11, 14, 13, 10, 8, 3]),
])
def test_each_sort(corpus: Harness, sort: str, expected: list[int]) -> None:
    assert corpus.ids("", sort=sort) == expected


def test_sorts_apply_to_matches(corpus: Harness) -> None:
    assert corpus.ids("电池", sort="newest") == [9, 15, 7, 14, 1, 5]
    assert corpus.ids("电池", sort="amount_asc") == [7, 5, 9, 1, 15, 14]
    assert corpus.ids("电池", sort="amount_desc") == [15, 1, 9, 5, 7, 14]


def test_relevance_title_before_body(corpus: Harness) -> None:
    assert corpus.ids("封存") == [3, 4]  # 3 has it in the title, 4 only in the body
    assert corpus.ids("光伏") == [15, 8, 1]


def test_facet_counts_over_the_matched_set(corpus: Harness) -> None:
    result = corpus.search("储能")
    assert result.facets == {
        "kind": {"achievement": 3, "demand": 1},
        "field": {"energy_storage": 3, "new_energy": 2, "hydrogen": 1},
        "region": {"150200": 2, "150100": 1, "150800": 1},
        "maturity": {"pilot": 2, "pilot_small": 1},
        "mode": {"transfer": 3, "co_development": 1},
    }
    assert list(result.facets["field"]) == ["energy_storage", "new_energy", "hydrogen"]  # count, then value
    filtered = corpus.search("储能", filters={"region": ["150200"]})
    assert filtered.facets["region"] == {"150200": 2}
    assert corpus.search("没有这个词").facets == {}
    assert corpus.search("储能", with_facets=False).facets == {}


def test_pagination(corpus: Harness) -> None:
    pages = [corpus.search("", per_page=4, page=p) for p in range(1, 6)]
    assert [h.object_id for r in pages for h in r.hits] == NEWEST
    assert [len(r.hits) for r in pages] == [4, 4, 4, 3, 0]
    assert {r.total for r in pages} == {15}
    far = corpus.search("", per_page=20, page=10_000)
    assert far.hits == [] and far.total == 15


def _expected(docs: list[Document], sort: str) -> list[int]:
    if sort == "relevance":  # title and body, then title, then body; then newest
        def level(d: Document) -> int:
            return 2 * ("储能" in d.title) + ("储能" in d.body)
        return [d.object_id for d in sorted(docs, key=lambda d: (level(d), d.published_at), reverse=True)]
    if sort == "newest":
        return [d.object_id for d in sorted(docs, key=lambda d: (d.published_at, d.object_id), reverse=True)]
    sign = 1 if sort == "amount_asc" else -1
    return [d.object_id for d in sorted(docs, key=lambda d: (d.amount_min is None,
                                                              sign * (d.amount_min or 0), -d.object_id))]


@pytest.mark.parametrize(("sort", "varied"), [("newest", False), ("amount_asc", False), ("amount_desc", False),
                                              ("relevance", False), ("relevance", True)])
def test_deep_pages_walk_with_search_after(harness: Harness, sort: str, varied: bool) -> None:
    """60 documents, 7 per page, and (on Elasticsearch) an index whose result window is 20: from page 3 on,
    from/size would be refused by the server, so these pages can only come through search_after. By
    relevance: one tie of 60 equal scores, or three levels of 20 ties each."""
    docs = paging_corpus(60, varied=varied)
    harness.index(docs)
    text = "储能" if sort == "relevance" else ""
    expected = _expected(docs, sort)
    got = []
    for page in range(1, 10):
        result = harness.search(text, sort=sort, per_page=7, page=page)
        assert result.total == 60
        got += [h.object_id for h in result.hits]
    assert got == expected
    assert harness.ids(text, sort=sort, per_page=7, page=6) == expected[35:42]
    assert harness.ids(text, sort=sort, per_page=25, page=2) == expected[25:50]  # a page wider than the window
    beyond = harness.search(text, sort=sort, per_page=7, page=10_000)
    assert beyond.hits == [] and beyond.total == 60


# -- writing -------------------------------------------------------------------------------------------

def test_delete_and_replace(corpus: Harness) -> None:
    corpus.remove([9, 999])  # an id that was never indexed is no error
    assert corpus.found("储能") == {1, 12, 15}
    changed = Document(doc_type="listing", object_id=1, title="草原光伏治沙", body="治沙",
                       tags={"kind": ("achievement",), "field": ("ecology",)},
                       published_at=dt.datetime(2026, 1, 5, 8, tzinfo=dt.UTC))
    corpus.index([changed])
    assert corpus.found("储能") == {12, 15}
    assert corpus.ids("治沙") == [1]
    assert corpus.search("").total == 14
    backend = corpus.backend()
    assert backend.count("listing") == 14
    assert backend.ids("listing") == set(range(1, 16)) - {9}
