"""The demo listings' dates (pure): spread over the past two years rather than all in the month of the load, more in
recent months, in workflow order, the same on every load, and an expired listing ran a while before it expired."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from techmarket.core.clock import to_local
from techmarket.demo.listings_build import build
from techmarket.demo.listings_dates import PUBLISHED_PLANS, SPAN_DAYS, plan_dates

TODAY = dt.date(2026, 12, 3)


def test_published_dates_spread_over_two_years_in_order_and_deterministic() -> None:
    items = build(TODAY)
    dates = [(item, plan_dates(item.key, item.plan, TODAY, item.expired_days_ago)) for item in items]
    published = [(i, d) for i, d in dates if i.plan in PUBLISHED_PLANS]
    months = Counter(to_local(d.published).strftime("%Y-%m") for _i, d in published if d.published)
    assert len(months) >= 22 and max(months.values()) <= len(published) // 8  # no single spike
    first_year = sum(n for m, n in months.items() if m < "2025-12")
    assert first_year < len(published) - first_year  # a growing market: more in the last twelve months
    oldest = TODAY - dt.timedelta(days=SPAN_DAYS + 30)
    for item, d in dates:
        assert oldest <= to_local(d.created).date() <= TODAY
        if d.submitted is not None:
            assert d.created <= d.submitted
        if d.published is not None:
            assert d.submitted is not None and d.submitted < d.published <= d.last_change
            assert to_local(d.last_change).date() <= TODAY
        else:
            assert item.plan not in PUBLISHED_PLANS and to_local(d.created).date() >= TODAY - dt.timedelta(days=45)
        if item.plan == "expired":
            assert d.published is not None
            assert to_local(d.published).date() < TODAY - dt.timedelta(days=item.expired_days_ago + 100)
    again = [plan_dates(i.key, i.plan, TODAY, i.expired_days_ago) for i, _d in dates]
    assert again == [d for _i, d in dates]
