"""Keeping the summary tables current: each event of a source recounts the objects it names, and the
difference from what they counted before goes into the tally (a rescinded contract subtracts itself, an
amended one moves its amount). :func:`rebuild` recounts everything from the domain tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from techmarket.core import events
from techmarket.core.events import DomainEvent
from techmarket.reporting.models import TallyCell, TallyFact
from techmarket.reporting.sources import SOURCES, Contribution, Source

Key = tuple[str, str, str, str]  # month, prefecture, dimension, value
Delta = dict[Key, list]  # key -> [count, amount]
BATCH = 2000


def fen(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def _add(delta: Delta, c: Contribution, sign: int) -> None:
    for dimension, value in c.cells:
        entry = delta.setdefault((c.month, c.prefecture_code, dimension, value), [0, Decimal(0)])
        entry[0] += sign
        entry[1] += sign * c.amount


def _as_contribution(fact: TallyFact) -> Contribution:
    return Contribution(fact.month, fact.prefecture_code, fact.amount,
                        tuple((str(d), str(v)) for d, v in fact.cells))


def _write(session: Session, source: str, delta: Delta) -> None:
    """Add the delta to the tally: one upsert per cell (INSERT ... ON CONFLICT DO UPDATE), so two transactions
    counting into a new cell at once both land, on PostgreSQL and SQLite alike."""
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for (month, prefecture, dimension, value), (count, amount) in delta.items():
        if not count and not amount:
            continue
        stmt = dialect_insert(TallyCell).values(source=source, month=month, prefecture_code=prefecture,
                                                dimension=dimension, value=value, count=count,
                                                amount_fen=fen(amount))
        session.execute(stmt.on_conflict_do_update(
            index_elements=["source", "dimension", "month", "prefecture_code", "value"],
            set_={"count": TallyCell.count + stmt.excluded.count,
                  "amount_fen": TallyCell.amount_fen + stmt.excluded.amount_fen}))
    session.flush()


def refresh(session: Session, source: Source, ids: Sequence[int]) -> None:
    """Recount ``ids`` of ``source`` and move the tally by the difference (in the caller's transaction)."""
    now = source.collect(session, ids)
    before = {f.object_id: f for f in session.scalars(select(TallyFact).where(
        TallyFact.source == source.name, TallyFact.object_id.in_(ids)))}
    delta: Delta = {}
    for object_id in ids:
        old, new = before.get(object_id), now.get(object_id)
        old_c = _as_contribution(old) if old is not None else None
        if old_c == new:
            continue
        if old_c is not None:
            _add(delta, old_c, -1)
        if new is None:
            assert old is not None
            session.delete(old)
        else:
            _add(delta, new, +1)
            if old is None:
                session.add(TallyFact(source=source.name, object_id=object_id, month=new.month,
                                      prefecture_code=new.prefecture_code, amount=new.amount,
                                      cells=[list(c) for c in new.cells]))
            else:
                old.month, old.prefecture_code, old.amount = new.month, new.prefecture_code, new.amount
                old.cells = [list(c) for c in new.cells]
    session.flush()
    _write(session, source.name, delta)


def rebuild(session: Session, names: Iterable[str] | None = None,
            progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Recount every object of the named sources (all by default) from the domain tables; flushes, the caller
    commits. ``progress(source, done, total)`` is called after each batch. Returns the objects counted per
    source."""
    counted: dict[str, int] = {}
    for name in names or list(SOURCES):
        source = SOURCES[name]
        session.execute(delete(TallyCell).where(TallyCell.source == name))
        session.execute(delete(TallyFact).where(TallyFact.source == name))
        ids = list(session.scalars(source.ids().order_by(None)))
        totals: dict[Key, list] = defaultdict(lambda: [0, Decimal(0)])
        facts = []
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            for object_id, c in source.collect(session, chunk).items():
                _add(totals, c, +1)
                facts.append({"source": name, "object_id": object_id, "month": c.month,
                              "prefecture_code": c.prefecture_code, "amount": c.amount,
                              "cells": [list(x) for x in c.cells]})
            if progress is not None:
                progress(name, min(start + BATCH, len(ids)), len(ids))
        for start in range(0, len(facts), BATCH):
            session.execute(insert(TallyFact), facts[start:start + BATCH])
        cells = [{"source": name, "month": k[0], "prefecture_code": k[1], "dimension": k[2], "value": k[3],
                  "count": v[0], "amount_fen": fen(v[1])} for k, v in totals.items() if v[0]]
        for start in range(0, len(cells), BATCH):
            session.execute(insert(TallyCell), cells[start:start + BATCH])
        counted[name] = len(facts)
    session.flush()
    return counted


def _listener(source: Source) -> Callable[[Session, DomainEvent], None]:
    def recount(session: Session, event: DomainEvent) -> None:
        refresh(session, source, [event.object_id])

    recount.__name__ = f"recount_{source.name}"
    return recount


_LISTENERS: dict[str, Callable[[Session, DomainEvent], None]] = {}


def register() -> None:
    """Called by create_app: every source listens to its events (in the transaction, so the figures commit or
    roll back with the change)."""
    for source in SOURCES.values():
        listener = _LISTENERS.setdefault(source.name, _listener(source))
        for name in source.events:
            events.on(name, listener)
