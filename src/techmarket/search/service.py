"""What the site calls to search: the configured backend, AND falling back to OR, and the database
backend standing in when Elasticsearch does not answer or its index does not agree with the database.

Before Elasticsearch is asked, the shared circuit breaker (:mod:`techmarket.search.breaker`) is: while it is
open, every process answers from the database at once. Before Elasticsearch answers for a type, its index is
compared with the database (:mod:`techmarket.search.consistency`, a verdict cached for a minute). Either way
the result says it is ``degraded`` and why, so the page and the API can say so.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session

from techmarket.search.backend import SearchBackend, SearchRefused, SearchUnavailable
from techmarket.search.breaker import Breaker
from techmarket.search.consistency import IndexCheck
from techmarket.search.database import DatabaseBackend
from techmarket.search.documents import DEGRADED_INDEX, DEGRADED_UNAVAILABLE, SearchQuery, SearchResult
from techmarket.search.elastic import ElasticsearchBackend, backend_from_config
from techmarket.search.shared_state import MemoryState, SharedState, state_from_config

log = logging.getLogger(__name__)

DRAIN_JOB = "techmarket.search.outbox.drain"
REBUILD_JOB = "techmarket.search.tasks.rebuild_elasticsearch"


class SearchService:
    def __init__(self, app: Flask, es_backend: ElasticsearchBackend | None = None, *,
                 state: SharedState | None = None) -> None:
        self.backend_name = app.config["SEARCH_BACKEND"]
        self.es = es_backend  # when configured
        self.state: SharedState = state if state is not None else MemoryState()
        self.breaker = Breaker(self.state, cooldown=float(app.config.get("SEARCH_BREAKER_SECONDS") or 30))
        self.index_check = IndexCheck(self.state)

    @property
    def uses_elasticsearch(self) -> bool:
        return self.backend_name == "elasticsearch" and self.es is not None

    def primary(self, session: Session) -> SearchBackend:
        return self.es if self.es is not None and self.uses_elasticsearch else DatabaseBackend(session)

    def search(self, session: Session, query: SearchQuery) -> SearchResult:
        result = self._search(session, query)
        if result.total == 0 and len(query.terms) > 1 and not query.match_any:
            result = self._search(session, replace(query, match_any=True))
        return result

    def _search(self, session: Session, query: SearchQuery) -> SearchResult:
        es = self.es
        if es is None or not self.uses_elasticsearch:
            return DatabaseBackend(session).search(query)
        attempt = self.breaker.attempt()
        if attempt is None:  # marked down by this or another process: do not wait for it
            return _fallback(session, query, DEGRADED_UNAVAILABLE)
        result: SearchResult | None = None
        refused = False
        try:
            if self.index_check.verdict(session, es, query.doc_type).ok:
                result = es.search(query)
        except SearchRefused as exc:  # it answered: our bug, not an outage
            log.error("search: %s; answering from the database", exc)
            refused = True
        except SearchUnavailable as exc:
            log.warning("search: elasticsearch unavailable, answering from the database: %s", exc)
            self.breaker.failed(str(exc))
            return _fallback(session, query, DEGRADED_UNAVAILABLE)
        if self.breaker.succeeded(attempt):
            log.warning("search: elasticsearch answers again; sending the changes that waited")
            _enqueue(DRAIN_JOB, due_only=False)
        if refused:
            return _fallback(session, query, DEGRADED_UNAVAILABLE)
        if result is None:
            self._ask_for_rebuild(query.doc_type)
            return _fallback(session, query, DEGRADED_INDEX)
        return result

    def _ask_for_rebuild(self, doc_type: str) -> None:
        if self.index_check.claim_rebuild(doc_type):
            log.error("search: the elasticsearch index of %s does not agree with the database; answering from "
                      "the database and rebuilding it", doc_type)
            _enqueue(REBUILD_JOB, doc_type=doc_type)


def _fallback(session: Session, query: SearchQuery, reason: str) -> SearchResult:
    result = DatabaseBackend(session).search(query)
    result.degraded = True
    result.degraded_reason = reason
    return result


def _enqueue(job: str, **kwargs: Any) -> None:
    """Queue a follow-up job; a queue that fails (Redis down) costs a log line, never the search."""
    try:
        current_app.extensions["techmarket.jobs"].enqueue(job, **kwargs)
    except Exception:
        log.exception("search: could not enqueue %s", job)


def make_search_service(app: Flask) -> SearchService:
    """The service ``create_app`` installs: with Elasticsearch, a breaker and index verdicts shared by every
    process of the installation (``SEARCH_SHARED_STATE``)."""
    es = backend_from_config(app.config)
    state = state_from_config(app.config, app.instance_path) if es is not None else None
    return SearchService(app, es_backend=es, state=state)
