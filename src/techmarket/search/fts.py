"""The database backend's search on SQLite: FTS5 drives, and the work per search stays bounded.

At 100,000 listings a search costs per *matched* document: bm25 (about 1 µs), reading its
``search_document`` row (type, filters, order) and its facet tags (about six rows). Common words match
thousands of documents, so:

* **Total.** FTS5 counts the matches from its posting lists alone; that is the total when no filter narrows
  the query and every indexed document is of the searched type. Otherwise the matches are joined to their
  documents once and counted.
* **Relevance window.** When more than :data:`RANK_WINDOW` documents match, bm25 ranks the
  :data:`RANK_WINDOW` most recently indexed of them (the highest rowids: FTS5 walks a posting list backwards
  cheaply, and a ``rowid >=`` bound limits its work), and they come first; the older matches follow, ranked
  among themselves, on the pages after. With fewer matches every match is ranked at once. Other sorts
  always order every match.
* **Facets** are exact while at most :data:`FACET_EXACT_LIMIT` documents match. Beyond that they are counted
  on about :data:`FACET_SAMPLE` of the matches, picked by a hash of the rowid (evenly spread, whatever the
  order documents were indexed in), and scaled to the total; the result says so with ``facets_exact=False``.
* **FTS5 drives.** The match is a ``MATERIALIZED`` CTE joined to ``search_document`` by rowid (joined the
  other way, SQLite probes the FTS index once per document of the type). Facet tags come back as one
  ``group_concat`` string counted in Python (a SQL ``GROUP BY`` sorts every tag row).
* **The common case in constant SQL.** Without filters the statements are fixed text (no statement is built
  per search); with filters they are built with SQLAlchemy from :func:`db_query.filter_conditions`.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from sqlalchemy import ColumnElement, TextClause, column, func, literal, literal_column, select, table, text
from sqlalchemy.orm import Session

from techmarket.search.db_query import filter_conditions, fts5_expression, has_filters, order_by, sorted_facets
from techmarket.search.documents import SORTS, Hit, SearchQuery, SearchResult
from techmarket.search.models import FTS_TABLE, SearchDocument, SearchTag
from techmarket.search.scoring import WEIGHTS

RANK_WINDOW = 1_000
FACET_EXACT_LIMIT = 1_000
FACET_SAMPLE = 1_000
_NO_ROWID = 2**63 - 1
# The facet sample: rowids whose (rowid * _MIX) mod _MOD falls under a cut. _MOD is prime and _MIX near its
# golden section, so consecutive rowids scatter evenly (a plain every-k-th rowid would alias with any
# period in the data, such as listings imported in repeating patterns).
_MOD, _MIX = 1_000_003, 618_034
_PAIR, _SEP = "\x1f", "\x1e"  # facet US value, pairs joined by RS

_FTS = table(FTS_TABLE, column("rowid"))
_BM25 = f"-bm25({FTS_TABLE}, {', '.join(str(w) for w in WEIGHTS)})"  # title, body, grams
D = SearchDocument

# Fixed SQL built once from the constants above (no user text: the query travels as :q). How many match,
# whether every document is of one type, and the rowid of the RANK_WINDOW-th most recent match (NULL when
# fewer match):
_OVERVIEW = text(
    f"SELECT (SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q), "  # noqa: S608
    "(SELECT min(doc_type) FROM search_document), (SELECT max(doc_type) FROM search_document), "
    f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q ORDER BY rowid DESC LIMIT 1 OFFSET :skip)")
_AMOUNT = "coalesce(d.amount_min, d.amount_max)"
_ORDER_SQL = {
    "relevance": "m.rank DESC, d.published_at DESC, d.object_id DESC",
    "newest": "d.published_at DESC, d.object_id DESC",
    "amount_asc": f"{_AMOUNT} IS NULL, {_AMOUNT} ASC, d.object_id DESC",
    "amount_desc": f"{_AMOUNT} IS NULL, {_AMOUNT} DESC, d.object_id DESC",
}
_RANKED = (f"WITH m AS MATERIALIZED (SELECT rowid AS id, {_BM25} AS rank FROM {FTS_TABLE} "  # noqa: S608
           f"WHERE {FTS_TABLE} MATCH :q AND rowid >= :lo AND rowid < :hi)")
# By relevance only the documents that can reach the page are read: those ranked at least as high as the
# page's last one by bm25 alone (ties included, which the newest-then-id order settles).
_CUT = ", cut AS (SELECT rank FROM m ORDER BY rank DESC LIMIT 1 OFFSET :last)"
_REACH = "WHERE (SELECT rank FROM cut) IS NULL OR m.rank >= (SELECT rank FROM cut) "
_PAGE: dict[str, TextClause] = {sort: text(
    _RANKED + (_CUT if sort == "relevance" else "")  # noqa: S608 - constants only
    + " SELECT d.object_id, m.rank FROM m JOIN search_document d ON d.id = m.id "
    + (_REACH if sort == "relevance" else "")
    + "ORDER BY " + _ORDER_SQL[sort] + " LIMIT :limit OFFSET :offset") for sort in SORTS}
_FACETS = text(
    f"WITH s AS MATERIALIZED (SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q "  # noqa: S608
    f"AND (rowid * {_MIX}) % {_MOD} < :cut) SELECT (SELECT count(*) FROM s), "
    "(SELECT group_concat(t.facet || char(31) || t.value, char(30)) "
    "FROM s JOIN search_tag t ON t.document_id = s.id)")


def search(session: Session, q: SearchQuery) -> SearchResult:
    if not q.terms:
        return _browse(session, q)
    conn = session.connection()
    expr = fts5_expression(q.terms, q.match_any)
    matched, low, high, floor = conn.execute(_OVERVIEW, {"q": expr, "skip": RANK_WINDOW - 1}).one()
    if not matched:
        return SearchResult(hits=[], total=0, match_any=q.match_any, backend="database")
    if q.sort != "relevance":
        floor = None
    if has_filters(q) or not (low == high == q.doc_type):
        return _search_narrowed(session, q, expr, window=floor is not None)
    offset = (q.page - 1) * q.per_page
    hits: list[Hit] = []
    if offset < matched:
        params = {"q": expr, "lo": floor or 0, "hi": _NO_ROWID, "limit": q.per_page, "offset": offset,
                  "last": offset + q.per_page - 1}
        rows = list(conn.execute(_PAGE[q.sort], params))
        if floor is not None and len(rows) < q.per_page:  # past the window: the older matches, ranked
            rest = max(0, offset - RANK_WINDOW)
            params.update(lo=0, hi=floor, limit=q.per_page - len(rows), offset=rest, last=rest + q.per_page - 1)
            rows += conn.execute(_PAGE[q.sort], params)
        hits = [Hit(object_id=oid, score=round(float(rank or 0.0), 4)) for oid, rank in rows]
    facets: dict[str, dict[str, int]] = {}
    exact = True
    if q.with_facets:
        step = _step(matched)
        docs, blob = conn.execute(_FACETS, {"q": expr, "cut": _cut(step)}).one()
        facets, exact = _counted(blob, docs, step, matched)
    return SearchResult(hits=hits, total=matched, facets=facets, match_any=q.match_any, backend="database",
                        facets_exact=exact)


def _step(total: int) -> int:
    """Count facets on one document in ``step``: 1 (all) up to FACET_EXACT_LIMIT."""
    return 1 if total <= FACET_EXACT_LIMIT else math.ceil(total / FACET_SAMPLE)


def _cut(step: int) -> int:
    return _MOD if step == 1 else _MOD // step


def _sampled(id_col: Any, step: int) -> ColumnElement[bool]:
    return (id_col * _MIX) % _MOD < _cut(step)


def _counted(blob: str | None, docs: int, step: int, total: int) -> tuple[dict[str, dict[str, int]], bool]:
    """Facet counts from ``facet US value`` pairs joined by RS, scaled to ``total`` when sampled."""
    counts = Counter(blob.split(_SEP)) if blob else Counter()
    scale = total / docs if step > 1 and docs else 1.0
    out: dict[str, dict[str, int]] = {}
    for key, n in counts.items():
        facet, _, value = key.partition(_PAIR)
        out.setdefault(facet, {})[value] = n if step == 1 else max(1, round(n * scale))
    return sorted_facets(out), step == 1


# -- with filters (or several document types): statements built with SQLAlchemy ------------------------

def _match(expr: str) -> ColumnElement[bool]:
    return literal_column(FTS_TABLE).op("MATCH")(expr)


def _fts_ids(expr: str, *, lo: int | None = None, hi: int | None = None) -> Any:
    """The matches (rowid and bm25) as a materialised CTE, optionally a rowid range of them."""
    stmt = (select(_FTS.c.rowid.label("id"), literal_column(_BM25).label("rank")).select_from(_FTS)
            .where(_match(expr)))
    if lo is not None:
        stmt = stmt.where(_FTS.c.rowid >= lo)
    if hi is not None:
        stmt = stmt.where(_FTS.c.rowid < hi)
    return stmt.cte("fts_match").prefix_with("MATERIALIZED")


def _search_narrowed(session: Session, q: SearchQuery, expr: str, *, window: bool) -> SearchResult:
    m = select(_FTS.c.rowid.label("id")).select_from(_FTS).where(_match(expr)).cte("fts_ids").prefix_with(
        "MATERIALIZED")
    passing = (select(D.id).select_from(m).join(D, D.id == m.c.id).where(*filter_conditions(q))
               .cte("passing").prefix_with("MATERIALIZED"))
    floor_q: Any = literal(None)
    if window:  # the RANK_WINDOW-th most recent match that passes the filters
        floor_q = select(passing.c.id).order_by(passing.c.id.desc()).limit(1).offset(RANK_WINDOW - 1)
        floor_q = floor_q.scalar_subquery()
    total, floor = session.execute(select(select(func.count()).select_from(passing).scalar_subquery(),
                                          floor_q)).one()
    offset = (q.page - 1) * q.per_page
    hits: list[Hit] = []
    if total and offset < total:
        hits = _ranked(session, q, _fts_ids(expr, lo=floor), offset, q.per_page)
        if floor is not None and len(hits) < q.per_page:
            hits += _ranked(session, q, _fts_ids(expr, hi=floor), max(0, offset - RANK_WINDOW),
                            q.per_page - len(hits))
    facets: dict[str, dict[str, int]] = {}
    exact = True
    if q.with_facets and total:
        ids = select(_FTS.c.rowid.label("id")).select_from(_FTS).where(_match(expr))
        facets, exact = _facets(session, q, total, ids, _FTS.c.rowid)
    return SearchResult(hits=hits, total=total or 0, facets=facets, match_any=q.match_any, backend="database",
                        facets_exact=exact)


def _ranked(session: Session, q: SearchQuery, m: Any, offset: int, limit: int) -> list[Hit]:
    d = (select(D.object_id, D.published_at, D.amount_min, D.amount_max, m.c.rank)
         .select_from(m).join(D, D.id == m.c.id).where(*filter_conditions(q)).subquery("d"))
    stmt = select(d.c.object_id, d.c.rank).order_by(*order_by(q, d.c.rank, d.c)).limit(limit).offset(offset)
    return [Hit(object_id=oid, score=round(float(score or 0.0), 4)) for oid, score in session.execute(stmt)]


def _facets(session: Session, q: SearchQuery, total: int, ids: Any, id_col: Any, *, filtered: bool = True
            ) -> tuple[dict[str, dict[str, int]], bool]:
    """Facet counts over the documents of ``ids`` (a select of ``search_document`` ids whose id column is
    ``id_col``) that pass the filters: every one, or every k-th of them scaled to ``total``."""
    step = _step(total)
    if step > 1:
        ids = ids.where(_sampled(id_col, step))
    s = ids.cte("facet_docs").prefix_with("MATERIALIZED")
    if filtered:
        s = (select(D.id).select_from(s).join(D, D.id == s.c.id).where(*filter_conditions(q))
             .cte("facet_passing").prefix_with("MATERIALIZED"))
    pair = SearchTag.facet.concat(_PAIR).concat(SearchTag.value)
    tags = (select(func.group_concat(pair, _SEP)).select_from(s).join(SearchTag, SearchTag.document_id == s.c.id)
            .scalar_subquery())
    docs, blob = session.execute(select(select(func.count()).select_from(s).scalar_subquery(), tags)).one()
    return _counted(blob, docs, step, total)


def _browse(session: Session, q: SearchQuery) -> SearchResult:
    """No words: every document of the type that passes the filters, newest first (or by amount)."""
    conds = filter_conditions(q)
    total = session.scalar(select(func.count()).select_from(D).where(*conds)) or 0
    offset = (q.page - 1) * q.per_page
    hits: list[Hit] = []
    if total and offset < total:
        stmt = select(D.object_id).where(*conds).order_by(*order_by(q, literal(0.0))).limit(q.per_page)
        hits = [Hit(object_id=oid, score=0.0) for oid in session.scalars(stmt.offset(offset))]
    facets: dict[str, dict[str, int]] = {}
    exact = True
    if q.with_facets and total:
        facets, exact = _facets(session, q, total, select(D.id).where(*conds), D.id, filtered=False)
    return SearchResult(hits=hits, total=total, facets=facets, match_any=q.match_any, backend="database",
                        facets_exact=exact)
