"""Does the Elasticsearch index still hold what the database holds?

A node that lost its data answers searches happily from whatever a later drain wrote into a fresh, nearly
empty index. So before Elasticsearch answers for a type, its document count is compared with the database
index's count; changes still waiting in the outbox explain a difference, anything more means the index is
incomplete: search answers from the database (and says so) and one rebuild is enqueued for the whole
installation. The verdict is kept in the shared state for a minute, so the counting costs two small queries a
minute for all processes together; a rebuild, or a drain that had to create a missing index, drops it.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from techmarket.search.database import DatabaseBackend
from techmarket.search.elastic import ElasticsearchBackend
from techmarket.search.models import SearchOutbox
from techmarket.search.shared_state import SharedState

VERDICT_SECONDS = 60.0
REBUILD_LEASE_SECONDS = 600.0  # a rebuild asked for and not finished by then (a failed job) is asked for again


@dataclass(frozen=True)
class Verdict:
    ok: bool
    elasticsearch: int  # documents in the index
    database: int  # documents in the database index (kept in the changes' own transactions)
    pending: int  # outbox rows of the type not yet sent
    checked_at: float = 0.0


def agrees(elasticsearch: int, database: int, pending: int) -> bool:
    """Counts that differ by no more than the waiting changes (and a hair for a refresh in flight) agree; an
    empty index for a database with documents never does."""
    if elasticsearch == 0 and database > pending:
        return False
    slack = max(2, database // 1000)
    return abs(elasticsearch - database) <= pending + slack


def _pending(session: Session, doc_type: str) -> int:
    return session.scalar(select(func.count()).select_from(SearchOutbox)
                          .where(SearchOutbox.doc_type == doc_type)) or 0


class IndexCheck:
    def __init__(self, state: SharedState, *, seconds: float = VERDICT_SECONDS) -> None:
        self.state = state
        self.seconds = seconds

    @staticmethod
    def _key(doc_type: str) -> str:
        return f"index-{doc_type}"

    def verdict(self, session: Session, es: ElasticsearchBackend, doc_type: str) -> Verdict:
        """The cached verdict, or a fresh one. Raises SearchUnavailable when Elasticsearch does not answer."""
        cached = self.state.get(self._key(doc_type))
        if cached is not None:
            return Verdict(**cached)
        database = DatabaseBackend(session).count(doc_type)
        pending = _pending(session, doc_type)
        found = es.count(doc_type)
        if not agrees(found, database, pending):
            es.refresh_index(doc_type)  # a second look, past the near-real-time window
            found = es.count(doc_type)
        verdict = Verdict(ok=agrees(found, database, pending), elasticsearch=found, database=database,
                          pending=pending, checked_at=time.time())
        self.state.set(self._key(doc_type), asdict(verdict), ttl=self.seconds)
        return verdict

    def forget(self, doc_type: str) -> None:
        """Check again at the next search (the index was just rebuilt, or created by a drain)."""
        self.state.delete(self._key(doc_type))

    def claim_rebuild(self, doc_type: str) -> bool:
        """True for the one caller that should enqueue the rebuild."""
        return self.state.add(f"rebuild-{doc_type}", {"since": time.time()}, ttl=REBUILD_LEASE_SECONDS)

    def rebuild_finished(self, doc_type: str) -> None:
        self.state.delete(f"rebuild-{doc_type}")
        self.forget(doc_type)
