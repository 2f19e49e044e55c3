"""The one place that reads the clock, so tests and services agree on "now"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def local_today() -> dt.date:
    return utcnow().astimezone(LOCAL_TZ).date()


def to_local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LOCAL_TZ)
