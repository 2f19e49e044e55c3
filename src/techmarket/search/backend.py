"""The protocol every search backend implements."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from techmarket.search.documents import Document, SearchQuery, SearchResult


class SearchUnavailable(RuntimeError):
    """The backend did not answer; callers fall back to the database backend."""


class SearchRefused(SearchUnavailable):
    """The backend answered but refused the request (our bug, not an outage): callers fall back to the
    database backend without marking the backend down."""


class SearchBackend(Protocol):
    name: str

    def index(self, docs: Sequence[Document]) -> None:
        """Add or replace documents."""

    def delete(self, doc_type: str, object_ids: Iterable[int]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def count(self, doc_type: str) -> int: ...

    def ids(self, doc_type: str) -> set[int]: ...

    def clear(self, doc_type: str) -> None: ...
