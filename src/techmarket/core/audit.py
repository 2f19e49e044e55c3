"""Append-only, hash-chained audit log of every state change.

Each entry's hash covers its own content and the previous entry's hash, so editing or deleting any
entry breaks the chain from that point on. Appends are serialised through the single ``audit_head``
row: the ``UPDATE`` that advances it takes a row lock (PostgreSQL) or the write lock (SQLite) before
the previous hash is read, so concurrent units of work cannot fork the chain.

The hashes are keyed: HMAC-SHA256 under ``AUDIT_KEY``, a secret kept outside the database (the
environment in production; a generated file in the instance folder elsewhere), so someone who can write
the database cannot recompute a consistent chain after changing it. ``hash_version`` says how an entry
was hashed: 1 = plain SHA-256 (entries written before the key existed; they still verify), 2 = keyed.
Along the chain the version never goes down, so keyed entries cannot be rewritten as plain ones after
the first keyed entry; a plain chain recomputed from the start is caught by the signed checkpoints of
:mod:`techmarket.core.audit_checkpoints`, which also catch a truncated head.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from flask import current_app
from sqlalchemy import JSON, ForeignKey, Integer, String, event, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.db import Base

GENESIS = "0" * 64
PLAIN = 1  # hash_version: SHA-256 of the canonical entry (before the audit key existed)
KEYED = 2  # hash_version: HMAC-SHA256 of the canonical entry under AUDIT_KEY


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    actor_label: Mapped[str] = mapped_column(String(255))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash_version: Mapped[int] = mapped_column(Integer, default=KEYED, server_default=str(PLAIN))


class AuditHead(Base):
    """One row: the sequence number and hash of the newest entry."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(mapper: Any, connection: Any, target: AuditEntry) -> None:
    raise RuntimeError("the audit log is append-only")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def audit_key() -> bytes:
    """The application's audit key (``AUDIT_KEY``; set by ``create_app``)."""
    return str(current_app.config["AUDIT_KEY"]).encode("utf-8")


def entry_hash(
    *, seq: int, at: dt.datetime, actor_id: int | None, actor_label: str, object_type: str,
    object_id: str, action: str, before: Any, after: Any, prev_hash: str, key: bytes | None = None,
) -> str:
    """HMAC-SHA256 of the canonical entry under ``key`` (version 2), or its plain SHA-256 without one (version 1)."""
    payload = {
        "seq": seq,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "object_type": object_type,
        "object_id": object_id,
        "action": action,
        "before": before,
        "after": after,
        "prev": prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if key is None:
        return hashlib.sha256(canonical).hexdigest()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def record(
    session: Session, actor: Actor, object_type: str, object_id: object, action: str,
    before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry in the caller's transaction (it commits or rolls back with the change).

    One ``UPDATE ... RETURNING`` advances the head and reads the previous hash under the lock it takes; then the
    head's hash is set and the entry inserted: on PostgreSQL in one statement (the INSERT a CTE of the UPDATE),
    elsewhere the entry is added to the session (inserted at its next flush) beside one more UPDATE.
    Inside :func:`deferred` the entry is kept in order and appended with the others by :func:`write_deferred`.
    """
    buffer: list[dict[str, Any]] | None = session.info.get(_DEFERRED)
    if buffer is not None:
        pending: dict[str, Any] = {"at": utcnow(), "actor_id": actor.user_id, "actor_label": actor.label,
                  "object_type": object_type, "object_id": str(object_id), "action": action,
                  "before": _jsonable(before) if before is not None else None,
                  "after": _jsonable(after) if after is not None else None}
        buffer.append(pending)
        return AuditEntry(**pending)
    head_id = 1
    row = session.execute(
        update(AuditHead).where(AuditHead.id == head_id).values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.hash).execution_options(synchronize_session=False)
    ).first()
    if row is None:
        session.add(AuditHead(id=head_id, seq=1, hash=GENESIS))
        session.flush()
        seq, prev_hash = 1, GENESIS
    else:
        seq, prev_hash = int(row[0]), str(row[1])
    fields: dict[str, Any] = {
        "seq": seq,
        "at": utcnow(),
        "actor_id": actor.user_id,
        "actor_label": actor.label,
        "object_type": object_type,
        "object_id": str(object_id),
        "action": action,
        "before": _jsonable(before) if before is not None else None,
        "after": _jsonable(after) if after is not None else None,
        "prev_hash": prev_hash,
    }
    digest = entry_hash(**fields, key=audit_key())
    entry = AuditEntry(**fields, hash=digest, hash_version=KEYED)
    set_head = update(AuditHead).where(AuditHead.id == head_id).values(hash=digest)
    if session.get_bind().dialect.name == "postgresql":
        # One round trip while the head is locked: the entry is inserted by a CTE of the head's UPDATE (the
        # returned entry is then a detached copy of the row, as inside :func:`deferred`).
        written = insert(AuditEntry).values(**fields, hash=digest, hash_version=KEYED).cte("written_entry")
        session.execute(set_head.add_cte(written).execution_options(synchronize_session=False))
        return entry
    session.add(entry)
    session.execute(set_head.execution_options(synchronize_session=False))
    return entry


_DEFERRED = "techmarket.audit_deferred"


@contextmanager
def deferred(session: Session) -> Iterator[list[dict[str, Any]]]:
    """Bulk work (an import) keeps its entries in order and appends them in one go per batch with
    :func:`write_deferred`: one head update for the batch instead of two statements and a flush per entry.
    The caller drops the entries of work it rolls back (truncate the yielded list) and writes the rest before
    it commits; entries still buffered when the block ends are written then."""
    buffer: list[dict[str, Any]] = []
    session.info[_DEFERRED] = buffer
    try:
        yield buffer
        write_deferred(session)
    finally:
        session.info.pop(_DEFERRED, None)


def write_deferred(session: Session) -> int:
    """Append the buffered entries to the chain (see :func:`deferred`); returns how many."""
    buffer: list[dict[str, Any]] | None = session.info.get(_DEFERRED)
    if not buffer:
        return 0
    k = len(buffer)
    row = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + k)
        .returning(AuditHead.seq, AuditHead.hash).execution_options(synchronize_session=False)
    ).first()
    if row is None:
        session.add(AuditHead(id=1, seq=k, hash=GENESIS))
        session.flush()
        last_seq, prev_hash = k, GENESIS
    else:
        last_seq, prev_hash = int(row[0]), str(row[1])
    rows = []
    key = audit_key()
    for seq, fields in enumerate(buffer, start=last_seq - k + 1):
        entry: dict[str, Any] = {**fields, "seq": seq, "prev_hash": prev_hash}
        prev_hash = entry_hash(**entry, key=key)
        rows.append({**entry, "hash": prev_hash, "hash_version": KEYED})
    session.execute(insert(AuditEntry), rows)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev_hash)
                    .execution_options(synchronize_session=False))
    buffer.clear()
    return k


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    seq: int
    reason: str


def verify_chain(session: Session, batch: int = 1000, key: bytes | None = None) -> tuple[int, ChainProblem | None]:
    """Walk the chain in order; return (entries checked, first problem or None). ``key``: the audit key
    (default: the application's)."""
    key = audit_key() if key is None else key
    prev = GENESIS
    expected_seq = 1
    checked = 0
    version = PLAIN
    for entry in _iter_entries(session, batch):
        if entry.seq != expected_seq:
            return checked, ChainProblem(entry.id, entry.seq, f"sequence gap: expected {expected_seq}")
        if entry.prev_hash != prev:
            return checked, ChainProblem(entry.id, entry.seq, "previous-hash link broken")
        if entry.hash_version not in (PLAIN, KEYED) or entry.hash_version < version:
            return checked, ChainProblem(entry.id, entry.seq, f"hash version {entry.hash_version} after {version}")
        version = entry.hash_version
        digest = entry_hash(
            seq=entry.seq, at=entry.at, actor_id=entry.actor_id, actor_label=entry.actor_label,
            object_type=entry.object_type, object_id=entry.object_id, action=entry.action,
            before=entry.before, after=entry.after, prev_hash=entry.prev_hash,
            key=key if version == KEYED else None,
        )
        if not hmac.compare_digest(digest, entry.hash):
            return checked, ChainProblem(entry.id, entry.seq, "content does not match its hash (under the audit key)")
        prev = entry.hash
        expected_seq += 1
        checked += 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != checked or head.hash != prev):
        return checked, ChainProblem(0, head.seq, "entries missing at the end of the chain")
    return checked, None


def _iter_entries(session: Session, batch: int) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def history(session: Session, object_type: str, object_id: object) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
            .order_by(AuditEntry.seq)
        )
    )
