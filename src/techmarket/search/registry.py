"""Domains register what they index: a model, how to turn an object into a document, and whether to."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from techmarket.search.documents import Document


@dataclass(frozen=True)
class IndexedType:
    name: str  # "listing", later "challenge", "contract"
    model: type
    to_document: Callable[[Any], Document]
    is_public: Callable[[Any], bool]
    all_public: Callable[[], Select[Any]]  # for reindexing
    related: tuple[type, ...] = ()  # models whose changes change the parent's document
    parent_of: Callable[[Any], Any] | None = None
    # A rebuild's fast path: every public object's document, ``batch`` at a time, read without building the
    # ORM objects (it must give what to_document gives for each object of all_public).
    public_documents: Callable[[Session, int], Iterator[list[Document]]] | None = None


_TYPES: dict[str, IndexedType] = {}


def register(indexed: IndexedType) -> None:
    _TYPES[indexed.name] = indexed


def get(name: str) -> IndexedType:
    return _TYPES[name]


def types() -> list[IndexedType]:
    return list(_TYPES.values())


def for_object(obj: Any) -> tuple[IndexedType, Any] | None:
    """The indexed type an object belongs to and the object to reindex (itself or its parent)."""
    for t in _TYPES.values():
        if isinstance(obj, t.model):
            return t, obj
        if t.related and isinstance(obj, t.related) and t.parent_of is not None:
            parent = t.parent_of(obj)
            return (t, parent) if parent is not None else None
    return None


def iter_public(session: Session, indexed: IndexedType, batch: int = 1000) -> Iterator[list[Any]]:
    stmt = indexed.all_public().execution_options(yield_per=batch)
    chunk: list[Any] = []
    for obj in session.scalars(stmt):
        chunk.append(obj)
        if len(chunk) >= batch:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def public_documents(session: Session, indexed: IndexedType, batch: int = 1000) -> Iterator[tuple[list[Document], int]]:
    """Every public object's document in batches, with the number of objects read for each batch."""
    if indexed.public_documents is not None:
        for docs in indexed.public_documents(session, batch):
            yield docs, len(docs)
        return
    for chunk in iter_public(session, indexed, batch):
        yield [indexed.to_document(obj) for obj in chunk if indexed.is_public(obj)], len(chunk)
