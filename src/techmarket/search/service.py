"""What the site calls to search: the configured backend, AND falling back to OR, and the database
backend standing in when Elasticsearch does not answer."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from techmarket.search.backend import SearchBackend, SearchUnavailable
from techmarket.search.database import DatabaseBackend
from techmarket.search.documents import SearchQuery, SearchResult

log = logging.getLogger(__name__)


class SearchService:
    def __init__(self, app: Flask, es_backend: Any | None = None) -> None:
        self.backend_name = app.config["SEARCH_BACKEND"]
        self.es = es_backend  # an ElasticsearchBackend when configured

    @property
    def uses_elasticsearch(self) -> bool:
        return self.backend_name == "elasticsearch" and self.es is not None

    def primary(self, session: Session) -> SearchBackend:
        return self.es if self.uses_elasticsearch else DatabaseBackend(session)

    def search(self, session: Session, query: SearchQuery) -> SearchResult:
        result = self._search(session, query)
        if result.total == 0 and len(query.terms) > 1 and not query.match_any:
            result = self._search(session, replace(query, match_any=True))
        return result

    def _search(self, session: Session, query: SearchQuery) -> SearchResult:
        backend = self.primary(session)
        try:
            return backend.search(query)
        except SearchUnavailable as exc:
            log.warning("search backend %s unavailable, answering from the database: %s", backend.name, exc)
            result = DatabaseBackend(session).search(query)
            result.degraded = True
            return result
