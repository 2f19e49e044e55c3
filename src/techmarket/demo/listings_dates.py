"""When each demo listing happened: spread over the past two years instead of all on the day of the load.

The services date every step now. The loader then moves each listing's dates back to its plan -- created,
submitted, published, the later withdrawal, close or pending revision -- directly on the models, the same
demo-only shortcut the contracts loader takes (:mod:`techmarket.demo.contracts_loader`), recorded in the audit log
as ``demo_backdate``. The statistics are counted afresh at the end of the load, so they show the spread.

The dates are drawn from a generator seeded with the listing's key, so every load gives the same dates for the
same day; more listings are published in recent months than two years ago, as a growing market would have it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import LOCAL_TZ
from techmarket.listings.models import Listing, Revision

SPAN_DAYS = 730  # about 24 months
PUBLISHED_PLANS = frozenset({"published", "withdrawn", "closed", "expired", "revision"})
DAY = dt.timedelta(days=1)
VALIDITY_CAP = dt.timedelta(days=1095)


@dataclass(frozen=True)
class ListingDates:
    created: dt.datetime
    submitted: dt.datetime | None
    published: dt.datetime | None
    last_change: dt.datetime  # the last step (return, withdrawal, close, revision; else the publication)


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours moment of ``day`` (Asia/Shanghai), in UTC."""
    local = dt.datetime.combine(day, dt.time(8 + rng.randrange(10), rng.randrange(60)), tzinfo=LOCAL_TZ)
    return local.astimezone(dt.UTC)


def _after(earlier: dt.datetime, moment: dt.datetime) -> dt.datetime:
    """``moment``, or an hour after ``earlier`` when both fell on the same day in the wrong order."""
    return moment if moment > earlier else earlier + dt.timedelta(hours=1)


def plan_dates(key: str, plan: str, today: dt.date, expired_days_ago: int = 0) -> ListingDates:
    """The dates of one demo listing (pure and deterministic: seeded with the key)."""
    rng = random.Random(f"techmarket-demo-dates-{key}")
    if plan not in PUBLISHED_PLANS:  # a draft, a submission waiting or a return: the last weeks
        created_on = today - rng.randint(3, 45) * DAY
        created = _at(created_on, rng)
        submitted = _after(created, _at(created_on + rng.randint(0, 2) * DAY, rng)) if plan != "draft" else None
        last = submitted or created
        if plan == "returned":
            last = _after(last, _at(min(today, last.date() + rng.randint(1, 4) * DAY), rng))
        return ListingDates(created, submitted, None, last)
    newest = max(2, expired_days_ago + 120) if plan == "expired" else 2  # ran its validity before expiring
    days_ago = newest + int((SPAN_DAYS - newest) * rng.random() ** 1.4)  # skewed towards recent months
    published_on = today - days_ago * DAY
    submitted_on = published_on - rng.randint(1, 6) * DAY
    created = _at(submitted_on - rng.randint(0, 20) * DAY, rng)
    submitted = _after(created, _at(submitted_on, rng))
    published = _after(submitted, _at(published_on, rng))
    last = published
    if plan in {"withdrawn", "closed", "revision"}:
        last_on = published_on + max(1, int(days_ago * rng.uniform(0.2, 0.95))) * DAY
        if plan == "revision":
            last_on = max(last_on, today - rng.randint(0, 10) * DAY)
        last = _after(published, _at(min(last_on, today), rng))
    return ListingDates(created, submitted, published, last)


def _snapshot(listing: Listing) -> dict[str, Any]:
    return {"created_at": listing.created_at, "submitted_at": listing.submitted_at,
            "published_at": listing.published_at, "updated_at": listing.updated_at,
            "valid_until": listing.valid_until, "deadline": listing.deadline}


def backdate(session: Session, listing: Listing, dates: ListingDates, revisions: list[Revision]) -> None:
    """Move the listing's dates to ``dates`` (see the module's docstring)."""
    before = _snapshot(listing)
    listing.created_at = dates.created
    if listing.submitted_at is not None:
        listing.submitted_at = dates.submitted or dates.created
    if listing.published_at is not None and dates.published is not None:
        listing.published_at = dates.published
        cap = dates.published.date() + VALIDITY_CAP  # valid for at most three years from its publication
        if listing.valid_until is not None and listing.valid_until > cap:
            listing.valid_until = cap
        if listing.deadline is not None and listing.valid_until is not None and listing.deadline > listing.valid_until:
            listing.deadline = listing.valid_until
    listing.updated_at = dates.last_change  # set explicitly, so the flush does not stamp it now
    for revision in revisions:
        revision.created_at = dates.last_change
    session.flush()
    audit.record(session, Actor.system("demo"), "listing", listing.id, "demo_backdate", before, _snapshot(listing))
