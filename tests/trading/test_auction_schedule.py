"""The embedded worker closes due auctions every minute: the job is registered and runs the real close."""

from __future__ import annotations

from techmarket.core import schedule
from techmarket.trading.auctions import tasks


def test_the_due_close_job_is_on_the_embedded_schedule(app) -> None:
    assert schedule.RECURRING.get(tasks.DUE_JOB) == 60


def test_the_due_close_job_commits_and_counts(app) -> None:
    with app.app_context():
        assert tasks.close_due() == 0  # nothing is due in an empty market, and the job says so
