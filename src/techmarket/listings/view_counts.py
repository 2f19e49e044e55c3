"""Listing view counts, buffered: a page view adds to a counter in this process's memory, and the counts are
written in one short transaction at most every ``VIEW_COUNT_FLUSH_SECONDS`` (and when the process exits).

A page view therefore never takes the database's write lock: with SQLite (one writer at a time) anonymous
traffic on the listing pages used to queue behind, and fail, bulk imports. A worker killed without warning
loses at most that many seconds of views of its own.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter

from flask import Flask, current_app
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from techmarket.core.db import begin_write
from techmarket.listings.engagement import record_view

log = logging.getLogger(__name__)
_KEY = "techmarket.view_counts"


class ViewCounter:
    def __init__(self, engine: Engine, interval: float) -> None:
        self.engine, self.interval = engine, interval
        self.counts: Counter[int] = Counter()
        self.lock = threading.Lock()
        self.last = time.monotonic()
        self.flushing = False

    def add(self, listing_id: int) -> None:
        with self.lock:
            self.counts[listing_id] += 1

    def pending(self, listing_id: int) -> int:
        with self.lock:
            return self.counts.get(listing_id, 0)

    def due(self) -> bool:
        return bool(self.counts) and time.monotonic() - self.last >= self.interval

    def flush_in_background(self) -> None:
        with self.lock:
            if self.flushing:
                return
            self.flushing = True
            self.last = time.monotonic()

        def run() -> None:
            try:
                self.flush()
            finally:
                self.flushing = False

        threading.Thread(target=run, name="view-counts", daemon=True).start()

    def flush(self) -> int:
        """Write the buffered counts in one transaction; on failure keep them for the next flush."""
        with self.lock:
            counts, self.counts = self.counts, Counter()
            self.last = time.monotonic()
        if not counts:
            return 0
        try:
            with Session(self.engine) as session:
                begin_write(session)
                for listing_id, n in sorted(counts.items()):
                    record_view(session, listing_id, n)
                session.commit()
        except Exception:
            log.warning("view counts not written this time; kept for the next flush", exc_info=True)
            with self.lock:
                self.counts.update(counts)
            return 0
        return sum(counts.values())


def counter(app: Flask | None = None) -> ViewCounter:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get(_KEY)
    if found is None:
        with app.app_context():
            engine = app.extensions["sqlalchemy"].engine
        found = app.extensions[_KEY] = ViewCounter(engine, float(app.config["VIEW_COUNT_FLUSH_SECONDS"]))
        atexit.register(found.flush)
    return found  # type: ignore[no-any-return]


def count_view(listing_id: int) -> None:
    """Count one view of a published listing; when the buffered counts are due, write them in a thread of
    their own, so the page never waits for the database's write lock (an import may hold it)."""
    views = counter()
    views.add(listing_id)
    if views.due():
        views.flush_in_background()
