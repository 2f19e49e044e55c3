"""Failed sign-ins per email address, kept in the database so every web worker counts together.

The per-address (client IP) limit of Flask-Limiter stops one machine trying many accounts; this stops many
machines (or one worker pool) trying many passwords on one account. After ``after`` failures in a row the
address is locked for ``base`` seconds, doubling with each further failure up to ``cap``; a successful
sign-in or a password reset clears it. Addresses without an account are counted the same way, so the
answer never tells whether an account exists. Only a digest of the address is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from techmarket.accounts.models import LoginThrottle
from techmarket.core.clock import utcnow

FORGET_AFTER = dt.timedelta(hours=24)  # failures older than this (with none since) are forgotten


@dataclass(frozen=True)
class Policy:
    after: int = 5  # failures allowed before the first lock
    base: int = 60  # seconds of the first lock
    cap: int = 3600  # longest lock, seconds

    def lock_for(self, failures: int) -> int:
        if failures < self.after:
            return 0
        return min(self.base * 2 ** min(failures - self.after, 30), self.cap)


def key_for(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def retry_after(session: Session, email: str) -> int:
    """Seconds until ``email`` may try again (0: now)."""
    locked_until = session.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.key == key_for(email)))
    if locked_until is None:
        return 0
    return max(0, math.ceil((locked_until - utcnow()).total_seconds()))


def record_failure(session: Session, email: str, policy: Policy) -> int:
    """Count a failed sign-in (atomically, whichever worker sees it); the seconds the address is now locked."""
    now = utcnow()
    key = key_for(email)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(LoginThrottle).values(key=key, failures=1, last_failure_at=now, locked_until=None)
    upsert = stmt.on_conflict_do_update(index_elements=[LoginThrottle.key], set_={
        "failures": case((LoginThrottle.last_failure_at < now - FORGET_AFTER, 1),
                         else_=LoginThrottle.failures + 1),
        "last_failure_at": now,
    }).returning(LoginThrottle.failures)
    failures = session.execute(upsert).scalar_one()
    wait = policy.lock_for(failures)
    if wait:
        session.execute(update(LoginThrottle).where(LoginThrottle.key == key)
                        .values(locked_until=now + dt.timedelta(seconds=wait)))
    session.flush()
    return wait


def clear(session: Session, email: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key_for(email)))
    session.flush()


def prune(session: Session) -> int:
    """Forget addresses whose last failure is older than FORGET_AFTER and that are not locked now."""
    now = utcnow()
    result = cast(CursorResult[Any], session.execute(delete(LoginThrottle).where(
        LoginThrottle.last_failure_at < now - FORGET_AFTER,
        (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until <= now))))
    return result.rowcount or 0
