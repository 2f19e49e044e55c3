"""The registration state machine and its deadlines (POLICY.md §3), pure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from techmarket.contracts import registration, workflow
from techmarket.contracts.constants import Status
from techmarket.policy.calendar import add_working_days

EXPECTED = {
    ("submit", Status.DRAFT), ("submit", Status.RETURNED),
    ("withdraw", Status.DRAFT), ("withdraw", Status.SUBMITTED), ("withdraw", Status.RETURNED),
    ("reopen", Status.WITHDRAWN),
    ("approve", Status.SUBMITTED), ("approve", Status.SECOND_REVIEW),
    ("return", Status.SUBMITTED), ("return", Status.SECOND_REVIEW),
    ("refuse", Status.SUBMITTED), ("refuse", Status.SECOND_REVIEW),
    ("amend", Status.REGISTERED), ("rescind", Status.REGISTERED),
    # the system ends a contract whose deal was cancelled (its auction annulled), unless it is registered
    ("cancel", Status.DRAFT), ("cancel", Status.SUBMITTED), ("cancel", Status.RETURNED), ("cancel", Status.WITHDRAWN),
}


ACTIONS = sorted({t.action for t in workflow.TRANSITIONS})


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", list(Status))
def test_every_action_in_every_state(action: str, state: Status) -> None:
    assert workflow.can(action, state) == ((action, state) in EXPECTED)


def test_nothing_leaves_refused_rescinded_or_cancelled_and_registered_is_never_registered_again() -> None:
    for state in (Status.REFUSED, Status.RESCINDED, Status.CANCELLED):
        assert not any(workflow.can(a, state) for a in ACTIONS)
    assert not workflow.can("approve", Status.REGISTERED)
    assert not workflow.can("submit", Status.REGISTERED)


class _Contract:
    def __init__(self, status: Status, expert_review: bool) -> None:
        self.status, self.expert_review = status.value, expert_review


@pytest.mark.parametrize(("status", "expert_review", "target", "event"), [
    (Status.SUBMITTED, True, Status.SECOND_REVIEW, "approved_first"),
    (Status.SECOND_REVIEW, True, Status.REGISTERED, "registered"),
    (Status.SUBMITTED, False, Status.REGISTERED, "registered"),
])
def test_large_contracts_need_two_registrars(status: Status, expert_review: bool, target: Status, event: str) -> None:
    """The machine production applies (``registration.MACHINE``) picks the row by the contract's expert review."""
    row = registration.MACHINE.find(_Contract(status, expert_review), "approve")
    assert row is not None and (row.target, row.event) == (target.value, event)
    assert workflow.needs_expert_review(Decimal("5000000.00"))
    assert not workflow.needs_expert_review(Decimal("4999999.99"))


@pytest.mark.parametrize(("start", "amount", "due"), [
    # An ordinary week: 15 working days, three weeks later.
    (dt.date(2026, 3, 2), Decimal("1000000"), dt.date(2026, 3, 23)),
    # Across the National Day holiday of 2026 (1-7 October off, the weekend of 10 October worked).
    (dt.date(2026, 9, 28), Decimal("1000000"), add_working_days(dt.date(2026, 9, 28), 15)[0]),
    # Expert review: 30 working days across the Spring Festival of 2026.
    (dt.date(2026, 2, 10), Decimal("8000000"), add_working_days(dt.date(2026, 2, 10), 30)[0]),
])
def test_review_deadline_counts_official_working_days(start: dt.date, amount: Decimal, due: dt.date) -> None:
    assert workflow.review_deadline(start, amount) == (due, False)


def test_national_day_pushes_the_deadline_past_a_plain_weekday_count() -> None:
    due, provisional = workflow.review_deadline(dt.date(2026, 9, 28), Decimal("1"))
    weekdays_only = dt.date(2026, 10, 16)  # 15 Monday-Friday days after 28 September
    assert due > weekdays_only and not provisional
    assert workflow.days_left(dt.date(2026, 9, 28), due) == 15
    assert workflow.days_left(due + dt.timedelta(days=7), due) < 0


def test_a_year_beyond_the_calendar_is_provisional() -> None:
    due, provisional = workflow.review_deadline(dt.date(2031, 3, 3), Decimal("1"))
    assert provisional and due == dt.date(2031, 3, 24)
