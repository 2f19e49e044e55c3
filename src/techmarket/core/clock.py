"""The one place that reads the clock, so tests and services agree on "now".

A request may run on an injected clock (``inject``/``restore``, a context variable, so only that request and the
services it calls see it): the challenge pages do so when ``CHALLENGES_CLOCK`` is configured (tests only), the
way the auction pages read ``AUCTION_CLOCK``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar, Token
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

Source = Callable[[], dt.datetime]
_source: ContextVar[Source | None] = ContextVar("techmarket_clock", default=None)


def utcnow() -> dt.datetime:
    source = _source.get()
    return source() if source is not None else dt.datetime.now(dt.UTC)


def local_today() -> dt.date:
    return utcnow().astimezone(LOCAL_TZ).date()


def to_local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LOCAL_TZ)


def inject(source: Source) -> Token[Source | None]:
    """Read ``source()`` as "now" in this context until ``restore`` is called with the returned token."""
    return _source.set(source)


def restore(token: Token[Source | None]) -> None:
    _source.reset(token)
