"""A small per-process cache with a time-to-live, for pages and figures that may be seconds old."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class TTLCache(Generic[V]):
    """Values kept ``ttl_seconds`` (0 or less: nothing is kept), at most ``max_entries`` of them. None is
    never stored (``get`` answers None for a miss)."""

    def __init__(self, ttl_seconds: float, max_entries: int = 64,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self.clock = clock
        self._data: dict[Hashable, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value stored under ``key`` if it has not expired, else None."""
        if self.ttl <= 0:
            return None
        hit = self._data.get(key)  # one dict read is atomic: no lock needed to look
        if hit is not None and hit[0] > self.clock():
            return hit[1]
        return None

    def set(self, key: Hashable, value: V) -> None:
        if self.ttl <= 0 or value is None:
            return
        expires = self.clock() + self.ttl
        with self._lock:
            if len(self._data) >= self.max_entries and key not in self._data:
                self._data.clear()
            self._data[key] = (expires, value)

    def get_or_set(self, key: Hashable, make: Callable[[], V]) -> V:
        hit = self.get(key)
        if hit is not None:
            return hit
        value = make()
        self.set(key, value)
        return value

    def discard(self, key: Hashable) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
