"""Draining the search outbox into Elasticsearch: the job ``techmarket.search.outbox.drain``.

Every change of an indexed object writes a :class:`SearchOutbox` row in the change's own transaction
(:mod:`techmarket.search.sync`). This job reads the rows that are due, oldest first, in batches; coalesces
them by object; loads each object as it is *now* and indexes it (or deletes it when it is gone or no longer
public); and deletes the rows only once Elasticsearch has accepted the writes. When Elasticsearch does not
answer, the rows stay, with ``attempts`` incremented, ``last_error`` set and ``next_attempt_at`` pushed back
exponentially (2, 4, 8 ... seconds, at most an hour): nothing is lost, and the outbox catches up on recovery.

It runs inline after the commit in the embedded default, in an RQ worker in production, every minute from
``techmarket search drain`` (the systemd timer ``techmarket-search-drain.timer``, or ``--every 60`` as a
long-running process), and right after search finds Elasticsearch answering again. It respects the shared
circuit breaker (:mod:`techmarket.search.breaker`): while Elasticsearch is marked down, a drain asks nothing
and leaves the rows as they are; once the cool-down is over, the drain is the probe: it pings, closes the
breaker and sends every waiting change, whatever its backoff (a quiet site catches up without an edit).

Several drains may run at once: on PostgreSQL each batch is claimed with ``FOR UPDATE SKIP LOCKED``; on
SQLite the batch's first statement is a write, which takes the database's single write lock, so drains run
one after the other. Writes carry the database clock as an external version, so two drains handling the same
object in either order leave its newest state in the index.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from techmarket.core.clock import utcnow
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.search import registry
from techmarket.search.backend import SearchUnavailable
from techmarket.search.elastic import ElasticsearchBackend
from techmarket.search.es_bulk import DocumentsRejected
from techmarket.search.indexing import clock_us
from techmarket.search.models import SearchOutbox
from techmarket.search.service import SearchService

log = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 3600


def backoff(attempts: int) -> dt.timedelta:
    """Delay before the next attempt after ``attempts`` failures: 2^attempts seconds, at most an hour."""
    return dt.timedelta(seconds=min(2 ** min(attempts, 32), MAX_BACKOFF_SECONDS))


@dataclass
class DrainReport:
    rows: int = 0  # outbox rows settled (written and deleted)
    indexed: int = 0
    deleted: int = 0
    failed: int = 0  # rows left for a later attempt
    batches: int = 0
    error: str | None = None
    skipped: bool = False  # Elasticsearch is not configured
    blocked: str | None = None  # Elasticsearch is marked down: nothing was asked (why)
    unavailable: bool = False  # Elasticsearch stopped answering during this drain

    def __str__(self) -> str:
        if self.skipped:
            return "search outbox: Elasticsearch is not configured; nothing to drain"
        if self.blocked is not None:
            return f"search outbox: not sent, {self.blocked}"
        text_ = (f"search outbox: {self.rows} change(s) sent ({self.indexed} indexed, {self.deleted} deleted) "
                 f"in {self.batches} batch(es)")
        if self.failed:
            text_ += f"; {self.failed} left for a later attempt: {self.error}"
        return text_


def drain(*, batch_size: int | None = None, due_only: bool = True, max_batches: int | None = None) -> DrainReport:
    """The job. Opens its own session (inline, it runs inside another session's ``after_commit``) and
    commits once per batch. Never raises for a failed write: the rows record the failure instead."""
    service = component(SearchService)
    report = DrainReport()
    es: ElasticsearchBackend | None = service.es if service.uses_elasticsearch else None
    if es is None:
        report.skipped = True
        return report
    breaker = service.breaker
    attempt = breaker.attempt() if due_only else breaker.forced()  # --now: the operator asks to try anyway
    if attempt is None:
        status = breaker.status()
        left = f" for {status.seconds_left:.0f} s more" if status else ""
        report.blocked = f"Elasticsearch is marked down{left} ({status.reason if status else 'probe under way'})"
        return report
    if attempt.probe and due_only:  # the cool-down is over: ask, then send everything that waited
        if not es.ping():
            breaker.failed("elasticsearch did not answer the drain's probe")
            report.blocked = "Elasticsearch still does not answer"
            return report
        breaker.succeeded(attempt)
        due_only = False
    size = int(batch_size or current_app.config.get("SEARCH_OUTBOX_BATCH", 500))
    max_attempts = int(current_app.config.get("SEARCH_OUTBOX_MAX_ATTEMPTS", 15))
    after = 0  # each batch continues after the last row of the previous one: a row is tried once per run
    with Session(db.engine) as session:
        while max_batches is None or report.batches < max_batches:
            last = _batch(session, es, report, after=after, size=size, due_only=due_only,
                          max_attempts=max_attempts)
            if last is None:
                break
            after = last
    if report.unavailable:
        breaker.failed(report.error or "elasticsearch did not answer the drain")
    elif report.batches:
        breaker.succeeded(attempt)
    for doc_type in list(es.created):  # an index had to be created: let the next search compare it at once
        es.created.discard(doc_type)
        service.index_check.forget(doc_type)
    return report


def _batch(session: Session, es: ElasticsearchBackend, report: DrainReport, *, after: int, size: int,
           due_only: bool, max_attempts: int) -> int | None:
    """One batch in one transaction: the id of its last row, or None when there was nothing to do or the
    server is unavailable (stop for now)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        # A write as the transaction's first statement takes SQLite's single write lock before anything is
        # read (as BEGIN IMMEDIATE would): concurrent drains wait for each other instead of racing.
        session.execute(update(SearchOutbox).where(SearchOutbox.id == -1).values(attempts=SearchOutbox.attempts))
    stmt = select(SearchOutbox).where(SearchOutbox.id > after).order_by(SearchOutbox.id).limit(size)
    if due_only:
        stmt = stmt.where(SearchOutbox.next_attempt_at <= utcnow())
    if dialect == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    rows = list(session.scalars(stmt))
    if not rows:
        session.commit()
        return None
    last = rows[-1].id
    report.batches += 1
    keys: dict[tuple[str, int], list[SearchOutbox]] = {}
    for row in rows:
        keys.setdefault((row.doc_type, row.object_id), []).append(row)
    failed: dict[tuple[str, int], str] = {}
    unavailable = False
    by_type: dict[str, list[int]] = {}
    for doc_type, oid in keys:
        by_type.setdefault(doc_type, []).append(oid)
    for doc_type, oids in by_type.items():
        try:
            indexed_n, deleted_n = _send(session, es, doc_type, oids)
        except SearchUnavailable as exc:
            unavailable = True
            failed.update({(doc_type, oid): str(exc) for oid in oids})
            for other in by_type:  # the server is down: do not try the other types in this batch
                if other != doc_type:
                    failed.update({(other, o): str(exc) for o in by_type[other] if (other, o) not in failed})
            break
        except DocumentsRejected as exc:
            failed.update({(doc_type, oid): reason for oid, reason in exc.reasons.items()})
            indexed_n, deleted_n = len(oids) - len(exc.reasons), 0
        except Exception as exc:  # a bug in a type's to_document: record it on the rows, keep them
            log.exception("search outbox: could not send %s changes", doc_type)
            failed.update({(doc_type, oid): f"{type(exc).__name__}: {exc}" for oid in oids})
            continue
        report.indexed += indexed_n
        report.deleted += deleted_n
    settled = [row.id for key, rs in keys.items() if key not in failed for row in rs]
    if settled:
        session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(settled)))
    now = utcnow()
    for key, reason in failed.items():
        for row in keys[key]:
            row.attempts = (row.attempts or 0) + 1
            row.next_attempt_at = now + backoff(row.attempts)
            row.last_error = reason[:2000]
            if row.attempts >= max_attempts:
                log.error("search outbox: %s:%s still failing after %s attempts: %s", row.doc_type,
                          row.object_id, row.attempts, reason)
    session.commit()
    report.rows += len(settled)
    if failed:
        report.failed += sum(len(keys[k]) for k in failed)
        report.error = next(iter(failed.values()))
        log.warning("search outbox: %s change(s) kept for a later attempt: %s", len(failed), report.error)
    report.unavailable = report.unavailable or unavailable
    return None if unavailable else last  # refused documents wait for their retry; the others keep flowing


def _send(session: Session, es: ElasticsearchBackend, doc_type: str, oids: list[int]) -> tuple[int, int]:
    try:
        indexed = registry.get(doc_type)
    except KeyError as exc:
        raise DocumentsRejected(doc_type, dict.fromkeys(oids, f"unknown indexed type {doc_type!r}")) from exc
    version = clock_us(session)  # before loading: whatever is loaded is at least this new
    model: Any = indexed.model
    objects = {obj.id: obj for obj in session.scalars(select(model).where(model.id.in_(oids)))}
    docs, gone = [], []
    for oid in oids:
        obj = objects.get(oid)
        if obj is not None and indexed.is_public(obj):
            docs.append(indexed.to_document(obj))
        else:
            gone.append(oid)
    es.apply(doc_type, docs, gone, version=version)
    return len(docs), len(gone)
