"""Signed checkpoints of the audit chain's head, kept OUTSIDE the database.

The hash chain in the database shows an edited or deleted entry, but not a head cut back (the newest
entries deleted and ``audit_head`` set back) nor a chain recomputed from the start by someone who can
write the database. So every day (``techmarket audit checkpoint`` from ``techmarket-daily.timer``) and
after every clean ``techmarket audit verify``, the head is written to an append-only file,
``AUDIT_CHECKPOINT_PATH`` (default ``<instance>/audit-checkpoints.jsonl``), one JSON line per checkpoint:
``{"seq", "hash", "at", "mac"}`` with ``mac`` an HMAC-SHA256 under ``AUDIT_KEY``. :func:`check` then finds

* a truncated head: the database's chain is shorter than the last checkpoint;
* a recomputed chain: the entry at a checkpoint's ``seq`` no longer has the checkpoint's hash;
* an edited checkpoint file: a line whose ``mac`` does not verify under the key.

The file must live where the database's writers cannot write (production: a separate volume, or shipped
off the machine, with ``chattr +a``); the key lives in the environment, never in the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from techmarket.core.audit import AuditEntry, AuditHead, audit_key
from techmarket.core.clock import utcnow


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO 8601, UTC


def checkpoint_path() -> Path:
    """``AUDIT_CHECKPOINT_PATH``, or ``audit-checkpoints.jsonl`` in the instance folder."""
    configured = current_app.config.get("AUDIT_CHECKPOINT_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit-checkpoints.jsonl"


def _mac(key: bytes, seq: int, digest: str, at: str) -> str:
    message = f"techmarket-audit-checkpoint|{seq}|{digest}|{at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def write(session: Session, path: Path | None = None, key: bytes | None = None) -> Checkpoint:
    """Append a signed checkpoint of the current head (verify the chain first: this signs what it finds)."""
    path = checkpoint_path() if path is None else path
    key = audit_key() if key is None else key
    head = session.get(AuditHead, 1)
    point = Checkpoint(head.seq if head else 0, head.hash if head else "0" * 64,
                       utcnow().astimezone(dt.UTC).isoformat(timespec="seconds"))
    line = json.dumps({"seq": point.seq, "hash": point.hash, "at": point.at,
                       "mac": _mac(key, point.seq, point.hash, point.at)}, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return point


def read(path: Path, key: bytes) -> tuple[list[Checkpoint], list[str]]:
    """The checkpoints whose signature verifies, and a problem for each line that does not."""
    if not path.exists():
        return [], []
    points: list[Checkpoint] = []
    problems: list[str] = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            point = Checkpoint(int(data["seq"]), str(data["hash"]), str(data["at"]))
            good = hmac.compare_digest(_mac(key, point.seq, point.hash, point.at), str(data["mac"]))
        except (ValueError, KeyError, TypeError):
            problems.append(f"checkpoint line {number} is unreadable")
            continue
        if not good:
            problems.append(f"checkpoint line {number} (seq {point.seq}) has a bad signature: the file was edited "
                            "or the audit key changed")
            continue
        points.append(point)
    return points, problems


def check(session: Session, path: Path | None = None, key: bytes | None = None) -> tuple[int, list[str]]:
    """Compare the entries in the database with the checkpoints: (checkpoints read, problems)."""
    path = checkpoint_path() if path is None else path
    points, problems = read(path, audit_key() if key is None else key)
    if not points:
        return 0, problems
    chain_length = session.scalar(select(func.max(AuditEntry.seq))) or 0
    last = max(points, key=lambda p: p.seq)
    if chain_length < last.seq:
        problems.append(f"head truncated: the chain ends at seq {chain_length} but checkpoint of {last.at} "
                        f"recorded seq {last.seq}")
    wanted = {p.seq for p in points if 0 < p.seq <= chain_length}
    found: dict[int, str] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        for seq, digest in session.execute(select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(chunk))):
            found[seq] = digest
    for point in sorted(points, key=lambda p: p.seq):
        if point.seq in wanted and found.get(point.seq) != point.hash:
            problems.append(f"chain recomputed: entry seq {point.seq} does not have the hash checkpointed at "
                            f"{point.at}")
            break
    return len(points), problems
