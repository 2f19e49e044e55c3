"""The Elasticsearch backend, through the official client. The only module that imports ``elasticsearch``.

Indices. Each indexed type lives in a versioned index ``<prefix>-<type>-v<N>`` behind the alias
``<prefix>-<type>``; readers and writers only ever name the alias. A rebuild creates ``v<N+1>`` behind a
second alias ``<prefix>-<type>-next``, loads it, and swaps the main alias in one atomic ``_aliases`` call
before deleting the old index, so search never sees a missing or half-filled index. While a rebuild runs,
every write goes to both aliases (``-next`` first), so changes made during the rebuild are not lost.

Documents hold the space-joined jieba tokens (``tokens_title``/``tokens_body``, whitespace analyzer: the
server does no linguistics of its own), ``tags.<facet>`` keywords, amounts as ``scaled_float`` (hundredths
of a yuan, exact for ``Numeric(18, 2)``; query bounds are rounded to whole fen in Python, so range filters
keep decimal semantics), ``published_at`` and ``title_raw``. Writes may carry an external version (the
database clock, in microseconds, read *before* the state was loaded): the last state read always wins,
whatever order concurrent drains and rebuilds reach the server in.

Queries are built only from tokens, never from user text: AND of terms; each term a ``bool.should`` of
``term`` queries on its alternatives (``match_phrase`` for a phrase or a multi-word synonym), title
boosted; filters in filter context; facets as ``terms`` aggregations; the database backend's sorts with
the object id as the last tie-breaker.

Deep pages. Pages that end inside ``max_result_window`` (10,000 by default) use ``from``/``size``. Deeper
pages walk the result list with ``search_after``: requests of up to ``max_result_window`` hits carrying
only sort values (no source), each continuing after the last one's sort values, then the page itself (in
window-sized requests). The sort always ends with the unique object id, so the walk is well defined. By
relevance, the score is never handed back as printed (see :meth:`ElasticsearchBackend._after`). No point
in time is kept (page URLs are stateless, and a PIT would have to outlive the request; osmem-server has no
``_pit`` endpoint either): a document changed during the walk can shift a deep page by a position, the same
guarantee as ``from``/``size`` gives. A walk to page N costs about N * per_page / 10,000 extra requests.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError

from techmarket.search.backend import SearchRefused, SearchUnavailable
from techmarket.search.documents import Document, Hit, SearchQuery, SearchResult
from techmarket.search.es_bulk import _Outcome
from techmarket.search.es_dsl import (
    ANALYZER,
    MAPPINGS,
    _beside,
    _facets,
    _operations,
    _score,
    _tie_breakers_after,
    build_aggs,
    build_query,
    build_sort,
)

log = logging.getLogger(__name__)

MAX_RESULT_WINDOW = 10_000
BULK_CHUNK = 500
_MISSING = ("index_not_found_exception",)


@dataclass
class Rebuild:
    """A new index being filled behind the ``-next`` alias."""

    doc_type: str
    index: str
    loaded: int = 0
    previous: list[str] = field(default_factory=list)


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, *, prefix: str = "techmarket", refresh: bool | str = False,
                 timeout: float = 1.0, write_timeout: float = 30.0, max_result_window: int = MAX_RESULT_WINDOW) -> None:
        self.client = client  # its request timeout is ``timeout``: searches and counts, on the request path
        self.prefix = prefix
        self.refresh = refresh
        self.timeout = timeout
        self.write_timeout = write_timeout  # bulk writes, index management, id walks: jobs and commands
        self.max_result_window = max_result_window
        self._ready: set[str] = set()
        self.created: set[str] = set()  # types whose index this process had to create on a write (see drain)

    # -- names ---------------------------------------------------------------------------------------
    def alias(self, doc_type: str) -> str:
        return f"{self.prefix}-{doc_type}"

    def next_alias(self, doc_type: str) -> str:
        return f"{self.prefix}-{doc_type}-next"

    def indices(self, doc_type: str) -> dict[str, list[str]]:
        """The versioned indices of a type and their aliases, oldest first."""
        pattern = re.compile(re.escape(self.alias(doc_type)) + r"-v(\d+)$")
        found = self._call(self._slow().indices.get_alias, index=f"{self.alias(doc_type)}-v*",
                           allow_no_indices=True, ignore_unavailable=True)
        names = [n for n in found if pattern.match(n)]
        names.sort(key=lambda n: int(pattern.match(n).group(1)))  # type: ignore[union-attr]
        return {n: sorted((found[n] or {}).get("aliases", {})) for n in names}

    def current_index(self, doc_type: str) -> str | None:
        return next((n for n, aliases in self.indices(doc_type).items() if self.alias(doc_type) in aliases), None)

    # -- the protocol: writing -----------------------------------------------------------------------
    def index(self, docs: Sequence[Document], *, version: int | None = None) -> None:
        by_type: dict[str, list[Document]] = {}
        for d in docs:
            by_type.setdefault(d.doc_type, []).append(d)
        for doc_type, group in by_type.items():
            self.apply(doc_type, group, (), version=version)

    def delete(self, doc_type: str, object_ids: Iterable[int], *, version: int | None = None) -> None:
        self.apply(doc_type, (), list(object_ids), version=version)

    def apply(self, doc_type: str, docs: Sequence[Document], deleted: Iterable[int], *,
              version: int | None = None) -> None:
        """Index ``docs`` and delete ``deleted`` in one bulk request per chunk, through the alias (and the
        ``-next`` alias while a rebuild runs). Raises :class:`SearchUnavailable` when the server does not
        answer or asks to retry, :class:`DocumentsRejected` for documents it refuses for good."""
        deleted = list(deleted)
        if not docs and not deleted:
            return
        for attempt in (1, 2):
            self._ensure(doc_type)
            targets = self._write_targets(doc_type)
            ops = [op for target in targets for op in _operations(target, docs, deleted, version)]
            outcome = self._bulk(ops, refresh=self.refresh)
            if outcome.missing.get(self.alias(doc_type)) and attempt == 1:
                self._ready.discard(doc_type)  # the index went away behind our back: create it, write again
                continue
            outcome.raise_for(doc_type, main=self.alias(doc_type))
            return

    def clear(self, doc_type: str) -> None:
        try:
            self._call(self._slow().delete_by_query, index=self.alias(doc_type), query={"match_all": {}},
                       conflicts="proceed", refresh=True)
        except ApiError as exc:
            if not _is_missing(exc):
                raise

    # -- the protocol: counting ----------------------------------------------------------------------
    def count(self, doc_type: str) -> int:
        """Documents behind the alias (0 when there is no index); on the request path (the index check)."""
        try:
            return int(self._call(self.client.count, index=self.alias(doc_type))["count"])
        except ApiError as exc:
            if _is_missing(exc):
                return 0
            raise SearchRefused(f"elasticsearch refused a count: {_reason(exc)}") from exc

    def ids(self, doc_type: str) -> set[int]:
        return self._ids(self.alias(doc_type))

    def refresh_index(self, doc_type: str) -> None:
        """Make every accepted write visible to searches and counts now."""
        try:
            self._call(self.client.indices.refresh, index=self.alias(doc_type))
        except ApiError as exc:
            if not _is_missing(exc):
                raise SearchRefused(f"elasticsearch refused a refresh: {_reason(exc)}") from exc

    def ping(self) -> bool:
        """Does the server answer (with the short timeout)?"""
        try:
            self._call(self.client.info)
        except (SearchUnavailable, ApiError):
            return False
        return True

    def _ids(self, index: str) -> set[int]:
        out: set[int] = set()
        try:
            self._call(self._slow().indices.refresh, index=index)
            page = min(5000, self.max_result_window)
            for hit in self._walk(index, {"match_all": {}}, [{"object_id": "asc"}], None, page=page):
                out.add(int(hit["_id"]))
        except ApiError as exc:
            if not _is_missing(exc):
                raise
        return out

    # -- the protocol: searching ---------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        """One search, with the short request timeout and no retry: the caller's circuit breaker
        (:mod:`techmarket.search.breaker`) decides whether to ask at all."""
        try:
            return self._search(query)
        except ApiError as exc:
            # A refused query is our bug, not the visitor's: log it loudly, answer from the database.
            log.error("elasticsearch refused a search: %s", exc)
            raise SearchRefused(f"elasticsearch refused the search: {_reason(exc)}") from exc

    def _search(self, q: SearchQuery) -> SearchResult:
        index = self.alias(q.doc_type)
        body = build_query(q)
        sort = build_sort(q)
        aggs = build_aggs() if q.with_facets else None
        offset = max(q.page - 1, 0) * q.per_page
        common: dict[str, Any] = {"index": index, "query": body, "source": False, "track_scores": bool(q.terms)}
        if offset + q.per_page <= self.max_result_window:
            resp = self._call(self.client.search, **common, sort=sort, from_=offset, size=q.per_page,
                              aggs=aggs, track_total_hits=True)
            total = int(resp["hits"]["total"]["value"])
            hits = resp["hits"]["hits"]
        else:
            resp = self._call(self.client.search, index=index, query=body, size=0, aggs=aggs,
                              track_total_hits=True)
            total = int(resp["hits"]["total"]["value"])
            hits = self._deep_page(common, sort, total, offset, q.per_page) if offset < total else []
        facets = _facets(resp.get("aggregations") or {}) if aggs and total else {}
        return SearchResult(hits=[Hit(object_id=int(h["_id"]), score=_score(h, q)) for h in hits], total=total,
                            facets=facets, match_any=q.match_any, backend=self.name)

    def _deep_page(self, common: dict[str, Any], sort: list[Any], total: int, offset: int,
                   size: int) -> list[dict]:
        """Walk to ``offset`` with ``search_after`` (sort values only), then collect ``size`` hits; no request
        asks for more than one result window."""
        end = min(offset + size, total)
        after: list[Any] | None = None
        position = 0
        out: list[dict] = []
        while position < end:
            skipping = position < offset
            want = min(self.max_result_window, (offset if skipping else end) - position)
            batch = self._after(common, sort, after, want, light=skipping)
            if not batch:
                break  # documents went away during the walk
            if not skipping:
                out += batch
            after = batch[-1]["sort"]
            position += len(batch)
        return out

    def _after(self, common: dict[str, Any], sort: list[Any], after: list[Any] | None, want: int, *,
               light: bool) -> list[dict]:
        """Up to ``want`` hits following ``after``.

        Sorted by score, the score is not handed back as the server printed it: a score is a float whose
        JSON form need not find the same float on the server (osmem-server prints float32 but compares
        float64, so ``search_after`` with a printed score silently skips the rest of its tie group). So the
        rest of the tie group is asked for from just *above* the score, restricted to the tie-breakers that
        follow ``after`` (newer first, then higher id), and what follows it from just *below* the score.
        Elasticsearch itself round-trips scores exactly; this costs it one more request per tie group.
        """
        extra: dict[str, Any] = {"filter_path": ["hits.hits._id", "hits.hits.sort"]} if light else {}

        def run(query: dict[str, Any], size: int, search_after: list[Any] | None) -> list[dict]:
            resp = self._call(self.client.search, **{**common, "query": query}, sort=sort, size=size,
                              search_after=search_after, track_total_hits=False, **extra)
            return list(resp.get("hits", {}).get("hits", []))

        if after is None or "_score" not in sort[0]:
            return run(common["query"], want, after)
        score = after[0]
        group_query = {"bool": {"must": [common["query"]], "filter": [_tie_breakers_after(after)]}}
        hits = run(group_query, want, [_beside(score, +1), *after[1:]])
        taken = [h for h in hits if h["sort"][0] == score]
        if len(taken) == want:
            return taken
        return taken + run(common["query"], want - len(taken), [_beside(score, -1), *after[1:]])

    def _walk(self, index: str, query: dict, sort: list[Any], after: list[Any] | None,
              page: int) -> Iterator[dict]:
        while True:
            resp = self._call(self._slow().search, index=index, query=query, sort=sort, size=page,
                              search_after=after, source=False, track_total_hits=False)
            batch = resp["hits"]["hits"]
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1]["sort"]

    # -- rebuilding ----------------------------------------------------------------------------------
    def start_rebuild(self, doc_type: str) -> Rebuild:
        """Create ``v<N+1>`` behind the ``-next`` alias (dropping a leftover of an interrupted rebuild)."""
        existing = self.indices(doc_type)
        for name, aliases in existing.items():
            if self.next_alias(doc_type) in aliases and self.alias(doc_type) not in aliases:
                log.warning("deleting %s, left over by an interrupted rebuild", name)
                self._call(self._slow().indices.delete, index=name)
        number = 1 + max((int(n.rsplit("-v", 1)[1]) for n in existing), default=0)
        while True:
            name = f"{self.alias(doc_type)}-v{number}"
            try:
                self._create(name, {self.next_alias(doc_type): {}}, loading=True)
                break
            except ApiError as exc:
                if _error_type(exc) != "resource_already_exists_exception":
                    raise
                number += 1
        return Rebuild(doc_type=doc_type, index=name)

    def load(self, rebuild: Rebuild, docs: Sequence[Document], *, version: int | None = None) -> None:
        if not docs:
            return
        ops = list(_operations(self.next_alias(rebuild.doc_type), docs, (), version))
        outcome = self._bulk(ops, refresh=False, timeout=max(self.write_timeout, 60.0))
        outcome.raise_for(rebuild.doc_type, main=self.next_alias(rebuild.doc_type))
        rebuild.loaded += len(docs)

    def apply_to_rebuild(self, rebuild: Rebuild, deleted: Sequence[int], *, version: int | None = None) -> None:
        ops = list(_operations(self.next_alias(rebuild.doc_type), (), deleted, version))
        self._bulk(ops, refresh=False).raise_for(rebuild.doc_type, main=self.next_alias(rebuild.doc_type))

    def rebuild_ids(self, rebuild: Rebuild) -> set[int]:
        return self._ids(rebuild.index)

    def finish_rebuild(self, rebuild: Rebuild) -> list[str]:
        """Make the new index searchable, swap the alias onto it atomically, delete the old index(es)."""
        doc_type, alias = rebuild.doc_type, self.alias(rebuild.doc_type)
        slow = self._slow()
        self._call(slow.indices.put_settings, index=rebuild.index, settings={"index": {"refresh_interval": None}})
        self._call(slow.indices.refresh, index=rebuild.index)
        old = [n for n, aliases in self.indices(doc_type).items() if alias in aliases and n != rebuild.index]
        actions: list[dict[str, Any]] = [{"remove": {"index": n, "alias": alias}} for n in old]
        actions += [{"add": {"index": rebuild.index, "alias": alias}},
                    {"remove": {"index": rebuild.index, "alias": self.next_alias(doc_type)}}]
        self._call(slow.indices.update_aliases, actions=actions)
        for name in old:
            self._call(slow.indices.delete, index=name)
        self._ready.add(doc_type)
        rebuild.previous = old
        return old

    def abort_rebuild(self, rebuild: Rebuild) -> None:
        try:
            self._call(self._slow().indices.delete, index=rebuild.index)
        except (SearchUnavailable, ApiError) as exc:
            log.warning("could not delete the unfinished index %s: %s", rebuild.index, exc)

    # -- plumbing ------------------------------------------------------------------------------------
    def _ensure(self, doc_type: str) -> None:
        """Create ``v1`` with its alias in one call when the type has no index yet (first write)."""
        if doc_type in self._ready:
            return
        if not self._call(self._slow().indices.exists_alias, name=self.alias(doc_type)):
            try:
                self._create(f"{self.alias(doc_type)}-v1", {self.alias(doc_type): {}}, loading=False)
            except ApiError as exc:
                if _error_type(exc) != "resource_already_exists_exception":
                    raise
            else:
                log.warning("elasticsearch: %s had no index; created an empty one (the next search compares it "
                            "with the database and asks for a rebuild if it falls short)", doc_type)
                self.created.add(doc_type)
        self._ready.add(doc_type)

    def _create(self, name: str, aliases: dict[str, Any], *, loading: bool) -> None:
        settings: dict[str, Any] = {
            "number_of_shards": 1,  # one shard: exact bm25 statistics and facet counts at this size
            "analysis": {"analyzer": {ANALYZER: {"type": "custom", "tokenizer": "whitespace"}}},
        }
        if self.max_result_window != MAX_RESULT_WINDOW:
            settings["max_result_window"] = self.max_result_window
        if loading:
            settings["refresh_interval"] = "-1"
        self._call(self._slow().indices.create, index=name, settings=settings, mappings=MAPPINGS, aliases=aliases)

    def _write_targets(self, doc_type: str) -> list[str]:
        nxt = self.next_alias(doc_type)
        rebuilding = self._call(self._slow().indices.exists_alias, name=nxt)
        return [nxt, self.alias(doc_type)] if rebuilding else [self.alias(doc_type)]

    def _bulk(self, ops: list[tuple[dict, dict | None]], *, refresh: bool | str,
              timeout: float | None = None) -> _Outcome:
        outcome = _Outcome()
        for start in range(0, len(ops), BULK_CHUNK):
            chunk = ops[start:start + BULK_CHUNK]
            lines: list[dict] = []
            for action, source in chunk:
                lines.append(action)
                if source is not None:
                    lines.append(source)
            client = self.client.options(request_timeout=timeout or self.write_timeout)
            resp = self._call(client.bulk, operations=lines, refresh=refresh, require_alias=True)
            for item in resp["items"]:
                outcome.add(item)
        return outcome

    def _slow(self) -> Elasticsearch:
        """The client with the write timeout, for work off the request path."""
        return self.client.options(request_timeout=self.write_timeout)

    def _call(self, method: Any, **kwargs: Any) -> Any:
        """Call the client; a transport failure, a timeout, 429 or 5xx becomes :class:`SearchUnavailable`."""
        try:
            resp = method(**kwargs)
        except TransportError as exc:
            raise SearchUnavailable(f"elasticsearch unreachable: {exc}") from exc
        except ApiError as exc:
            if exc.meta.status >= 500 or exc.meta.status == 429:
                raise SearchUnavailable(f"elasticsearch answered {exc.meta.status}: {_reason(exc)}") from exc
            raise
        return getattr(resp, "body", resp)

    def close(self) -> None:
        self.client.close()


# -- building requests ---------------------------------------------------------------------------------

def _error_type(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    err = body.get("error")
    return str(err.get("type", "")) if isinstance(err, dict) else str(exc.message or "")


def _reason(exc: ApiError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    err = body.get("error")
    if isinstance(err, dict):
        return f"{err.get('type', '')}: {err.get('reason', '')}"[:500]
    return str(err or exc.message)[:500]


def _is_missing(exc: ApiError) -> bool:
    return exc.meta.status == 404 and _error_type(exc) in _MISSING


# -- configuration -------------------------------------------------------------------------------------

def backend_from_config(config: Mapping[str, Any], **client_options: Any) -> ElasticsearchBackend | None:
    """The backend the settings ask for, or ``None`` when search runs on the database alone.

    ``client_options`` go to :class:`elasticsearch.Elasticsearch` unchanged (the tests pass one; production
    passes none). Creating the client opens no connection: a server that is down does not stop the app.
    Searches use ``ELASTICSEARCH_TIMEOUT`` (connect and read, default 1 s) and no retry: a server that hangs
    costs one request at most one timeout before the breaker answers every worker from the database.
    """
    if config.get("SEARCH_BACKEND") != "elasticsearch":
        return None
    hosts = [h.strip() for h in str(config["ELASTICSEARCH_URL"]).split(",") if h.strip()]
    timeout = float(config.get("ELASTICSEARCH_TIMEOUT") or 1)
    write_timeout = float(config.get("ELASTICSEARCH_WRITE_TIMEOUT") or 30)
    options: dict[str, Any] = {"request_timeout": timeout, "max_retries": 0, "retry_on_timeout": False}
    options.update(client_options)
    refresh = str(config.get("ELASTICSEARCH_REFRESH") or "false").lower()
    return ElasticsearchBackend(Elasticsearch(hosts, **options),
                                prefix=str(config.get("ELASTICSEARCH_INDEX_PREFIX") or "techmarket"),
                                refresh={"true": True, "false": False}.get(refresh, refresh),
                                timeout=timeout, write_timeout=write_timeout)
