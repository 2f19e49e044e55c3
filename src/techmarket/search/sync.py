"""Keeping the index right: changes are collected at flush and applied at commit.

The database index is written in the same transaction as the change (it commits or rolls back with it).
When Elasticsearch is configured, each change also lands in the durable outbox in that transaction; a job
drains the outbox after the commit, with retries and backoff, so an outage or a crash loses nothing.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from techmarket.core import events
from techmarket.core.components import component, has_component
from techmarket.search import registry
from techmarket.search.database import DatabaseBackend
from techmarket.search.models import SearchOutbox
from techmarket.search.service import SearchService

_PENDING = "techmarket.search_pending"
_OUTBOX_WRITTEN = "techmarket.search_outbox_written"


def _collect(session: Session, flush_context: Any) -> None:
    pending: dict[tuple[str, int], bool] = session.info.setdefault(_PENDING, {})
    for obj in list(session.new) + list(session.dirty):
        found = registry.for_object(obj)
        if found is not None and getattr(found[1], "id", None) is not None:
            pending[(found[0].name, found[1].id)] = True
    for obj in session.deleted:
        found = registry.for_object(obj)
        if found is not None and found[1] is obj and obj.id is not None:
            pending[(found[0].name, obj.id)] = False


def changed(session: Session, doc_type: str, object_ids: list[int], *, public: bool) -> None:
    """Rows written without the ORM's unit of work (a bulk insert, which :func:`_collect` never sees): apply
    them at the commit like any change. ``public=False``: objects that must not be in the index (new drafts),
    removed from it and, with Elasticsearch, queued in the outbox."""
    pending: dict[tuple[str, int], bool] = session.info.setdefault(_PENDING, {})
    pending.update(((doc_type, oid), public) for oid in object_ids)


def _apply(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release: the outermost commit applies everything (one drain per commit)
    if session.new or session.dirty or session.deleted:
        session.flush()  # changes that only the commit itself would flush are collected too
    pending: dict[tuple[str, int], bool] = session.info.pop(_PENDING, {})
    if not pending or not has_app_context():
        return
    service = component(SearchService) if has_component(SearchService) else None
    if service is None:
        return
    apply_changes(session, pending, outbox=service.uses_elasticsearch)
    if service.uses_elasticsearch:
        session.info[_OUTBOX_WRITTEN] = True


def apply_changes(session: Session, pending: dict[tuple[str, int], bool], *, outbox: bool) -> None:
    backend = DatabaseBackend(session)
    by_type: dict[str, list[tuple[int, bool]]] = {}
    for (name, oid), alive in pending.items():
        by_type.setdefault(name, []).append((oid, alive))
    for name, items in by_type.items():
        indexed = registry.get(name)
        docs, gone = [], []
        model: Any = indexed.model
        alive_ids = [oid for oid, alive in items if alive]
        # The objects this session holds already (an import's new rows), and one query for the others.
        objects = {}
        for oid in alive_ids:
            held = session.identity_map.get(identity_key(model, oid))
            if held is not None:
                objects[oid] = held
        missing = [oid for oid in alive_ids if oid not in objects]
        if missing:
            objects.update((o.id, o) for o in session.scalars(select(model).where(model.id.in_(missing))))
        for oid, _alive in items:
            obj = objects.get(oid)
            if obj is not None and indexed.is_public(obj):
                docs.append(indexed.to_document(obj))
            else:
                gone.append(oid)
        backend.delete(name, gone)
        backend.index(docs)
        if outbox:
            session.add_all(SearchOutbox(doc_type=name, object_id=oid) for oid, _ in items)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    if session.info.pop(_OUTBOX_WRITTEN, False) and has_app_context():
        current_app.extensions["techmarket.jobs"].enqueue("techmarket.search.outbox.drain")


def _after_rollback(session: Session, previous_transaction: Any) -> None:
    if getattr(previous_transaction, "nested", False):
        return  # keep what earlier savepoints collected; objects gone with this one are applied as deletions
    session.info.pop(_PENDING, None)
    session.info.pop(_OUTBOX_WRITTEN, None)


def install(session_class: type[Session]) -> None:
    if event.contains(session_class, "after_flush", _collect):
        return
    event.listen(session_class, "after_flush", _collect)
    event.listen(session_class, "before_commit", _apply)
    events.on_commit(_after_commit, on_rollback=_after_rollback)


def pending_outbox(session: Session, limit: int = 500) -> list[SearchOutbox]:
    return list(session.scalars(select(SearchOutbox).order_by(SearchOutbox.id).limit(limit)))
