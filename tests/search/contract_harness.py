"""The contract's harness: each backend behind one interface, and the fixtures that build it (``engine``,
``harness``, ``corpus``; made available to every module of tests/search by its conftest)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.search.database import DatabaseBackend
from techmarket.search.documents import Document, SearchQuery, SearchResult
from techmarket.search.query import parse
from techmarket.search.service import SearchService
from tests.search.contract_corpus import CORPUS
from tests.search.contract_servers import make_backend, use_elasticsearch


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request: pytest.FixtureRequest) -> str:
    """The backend under contract; the ``app`` fixture adds the database (SQLite, and PostgreSQL if set)."""
    return str(request.param)


@dataclass
class Harness:
    """What the contract needs from a backend: write documents, search, and the service on top."""

    name: str
    write: Callable[[list[Document]], None]
    remove: Callable[[Iterable[int]], None]
    backend: Callable[[], Any]
    service: SearchService

    def index(self, docs: list[Document]) -> None:
        self.write(docs)

    def search(self, text: str = "", **kw: Any) -> SearchResult:
        return self.backend().search(SearchQuery(terms=parse(text).terms, **kw))

    def ids(self, text: str = "", **kw: Any) -> list[int]:
        kw.setdefault("per_page", 100)
        return [h.object_id for h in self.search(text, **kw).hits]

    def found(self, text: str = "", **kw: Any) -> set[int]:
        return set(self.ids(text, **kw))

    def via_service(self, text: str, **kw: Any) -> SearchResult:
        return self.service.search(db.session, SearchQuery(terms=parse(text).terms, **kw))


@pytest.fixture()
def harness(app: Flask, engine: str, request: pytest.FixtureRequest) -> Harness:
    if engine == "database":
        def write(docs: list[Document]) -> None:
            DatabaseBackend(db.session).index(docs)
            db.session.commit()

        def remove(ids: Iterable[int]) -> None:
            DatabaseBackend(db.session).delete("listing", ids)
            db.session.commit()

        service = component(SearchService, app)
        return Harness("database", write, remove, lambda: DatabaseBackend(db.session), service)
    server = request.getfixturevalue("es_server")
    clone = server.clone()
    request.addfinalizer(clone.close)
    es = make_backend(clone.url, max_result_window=20)  # a small window, so deep pages need search_after
    service = use_elasticsearch(app, es)

    def write_both(docs: list[Document]) -> None:  # as in production, the database index holds them too
        DatabaseBackend(db.session).index(docs)
        db.session.commit()
        es.index(docs)

    def remove_both(ids: Iterable[int]) -> None:
        ids = list(ids)
        DatabaseBackend(db.session).delete("listing", ids)
        db.session.commit()
        es.delete("listing", ids)

    return Harness("elasticsearch", write_both, remove_both, lambda: es, service)


@pytest.fixture()
def corpus(harness: Harness) -> Harness:
    harness.index(CORPUS)
    return harness
