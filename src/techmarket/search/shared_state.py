"""A few small facts every process of an installation must share: whether Elasticsearch is marked down (the
circuit breaker), whether its index agrees with the database, whether a rebuild was already asked for.

Three stores behind one small protocol: Redis (when the installation runs Redis: every gunicorn instance and
worker on every machine sees the same keys), a folder of small JSON files in the instance folder (every
process of one machine), and memory (one process: tests and the embedded default). A store never fails the
caller: when Redis does not answer, the Redis store answers from memory and says so in the log (at most once
a minute), so a Redis outage degrades to a per-process breaker instead of breaking search.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from redis import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

REDIS_TIMEOUT = 0.5  # seconds: the store is asked on every search; a slow Redis must not become the new hang


class SharedState(Protocol):
    name: str

    def get(self, key: str) -> dict[str, Any] | None: ...

    def set(self, key: str, value: Mapping[str, Any], ttl: float | None = None) -> None: ...

    def add(self, key: str, value: Mapping[str, Any], ttl: float) -> bool:
        """Set ``key`` only when it is absent (or expired): True for the one caller that set it."""

    def delete(self, key: str) -> bool:
        """Remove ``key``: True when it was there."""


class MemoryState:
    """One process's own store."""

    name = "memory"

    def __init__(self) -> None:
        self._items: dict[str, tuple[dict[str, Any], float | None]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        item = self._items.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and time.time() >= expires:
            self._items.pop(key, None)
            return None
        return dict(value)

    def set(self, key: str, value: Mapping[str, Any], ttl: float | None = None) -> None:
        self._items[key] = (dict(value), time.time() + ttl if ttl is not None else None)

    def add(self, key: str, value: Mapping[str, Any], ttl: float) -> bool:
        if self.get(key) is not None:
            return False
        self.set(key, value, ttl)
        return True

    def delete(self, key: str) -> bool:
        return self.get(key) is not None and self._items.pop(key, None) is not None


class FileState:
    """One JSON file per key in a folder of the instance folder; writes replace the file atomically and
    ``add`` creates it exclusively, so the processes of one machine agree without a server."""

    name = "file"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.folder / (key.replace("/", "_").replace(":", "_") + ".json")

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):  # half a file from another OS, or unreadable: treat as absent
            return None
        expires = record.get("expires")
        if expires is not None and time.time() >= float(expires):
            return None
        return dict(record.get("value") or {})

    def set(self, key: str, value: Mapping[str, Any], ttl: float | None = None) -> None:
        record = {"value": dict(value), "expires": time.time() + ttl if ttl is not None else None}
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh)
            os.replace(tmp, self._path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def add(self, key: str, value: Mapping[str, Any], ttl: float) -> bool:
        path = self._path(key)
        if path.exists() and self.get(key) is None:
            path.unlink(missing_ok=True)  # expired: whoever creates it next owns it
        record = json.dumps({"value": dict(value), "expires": time.time() + ttl})
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(record)
        return True

    def delete(self, key: str) -> bool:
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            return False
        return True


class RedisState:
    """Keys ``<namespace>:<key>`` in Redis, with Redis's own expiry. Falls back to memory while Redis fails."""

    name = "redis"

    def __init__(self, url: str, namespace: str) -> None:
        self.redis = Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
        self.namespace = namespace
        self.fallback = MemoryState()
        self._complained = 0.0

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    def _failed(self, exc: Exception) -> None:
        if time.monotonic() - self._complained > 60:
            self._complained = time.monotonic()
            log.warning("search state: Redis did not answer (%s); this process keeps its own state meanwhile", exc)

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            raw = self.redis.get(self._key(key))
        except RedisError as exc:
            self._failed(exc)
            return self.fallback.get(key)
        return dict(json.loads(raw)) if raw else None  # type: ignore[arg-type]

    def set(self, key: str, value: Mapping[str, Any], ttl: float | None = None) -> None:
        try:
            self.redis.set(self._key(key), json.dumps(dict(value)), px=int(ttl * 1000) if ttl else None)
        except RedisError as exc:
            self._failed(exc)
            self.fallback.set(key, value, ttl)

    def add(self, key: str, value: Mapping[str, Any], ttl: float) -> bool:
        try:
            return bool(self.redis.set(self._key(key), json.dumps(dict(value)), px=max(int(ttl * 1000), 1),
                                       nx=True))
        except RedisError as exc:
            self._failed(exc)
            return self.fallback.add(key, value, ttl)

    def delete(self, key: str) -> bool:
        try:
            return bool(self.redis.delete(self._key(key)))
        except RedisError as exc:
            self._failed(exc)
            return self.fallback.delete(key)


def state_from_config(config: Mapping[str, Any], instance_path: str | Path) -> SharedState:
    """``SEARCH_SHARED_STATE``: ``redis`` (``REDIS_URL``), ``file`` (``<instance>/search-state/``), ``memory``,
    or ``auto``: Redis when the installation runs its jobs on Redis (``JOBS_BACKEND=rq``), else the file."""
    kind = str(config.get("SEARCH_SHARED_STATE") or "auto")
    if kind == "auto":
        kind = "redis" if config.get("JOBS_BACKEND") == "rq" else "file"
    if kind == "redis":
        prefix = str(config.get("ELASTICSEARCH_INDEX_PREFIX") or "techmarket")
        return RedisState(str(config["REDIS_URL"]), namespace=f"techmarket:search:{prefix}")
    if kind == "memory":
        return MemoryState()
    return FileState(Path(instance_path) / "search-state")
