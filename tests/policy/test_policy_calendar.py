"""Working days by the official calendar (holidays and adjusted weekends), and the provisional fallback."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from techmarket.policy.calendar import add_working_days, is_working_day, known_years, working_days_between
from techmarket.policy.registry import CALCULATORS

D = datetime.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 10, 1), False),  # National Day + Mid-Autumn 2025: 1–8 October
        (D(2025, 10, 8), False),
        (D(2025, 9, 28), True),  # adjusted working Sunday (调休)
        (D(2025, 10, 11), True),  # adjusted working Saturday
        (D(2025, 1, 28), False),  # Spring Festival 2025: 28 January – 4 February
        (D(2025, 1, 26), True),  # adjusted working Sunday
        (D(2025, 2, 8), True),  # adjusted working Saturday
        (D(2026, 2, 16), False),  # Spring Festival 2026: 15–23 February
        (D(2026, 2, 14), True),  # adjusted working Saturday
        (D(2026, 2, 28), True),
        (D(2026, 10, 7), False),  # National Day 2026
        (D(2026, 10, 10), True),
        (D(2026, 9, 20), True),
        (D(2026, 3, 2), True),  # an ordinary Monday
        (D(2026, 3, 7), False),  # an ordinary Saturday
    ],
)
def test_official_calendar(day: D, working: bool) -> None:
    assert is_working_day(day) == (working, False)


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        (D(2025, 9, 30), 1, D(2025, 10, 9)),  # the whole holiday is skipped
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # Friday -> adjusted working Sunday
        (D(2025, 10, 10), 1, D(2025, 10, 11)),  # Friday -> adjusted working Saturday
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2025, 9, 15), 30, D(2025, 10, 31)),  # counted by hand: 4+5 +1 (9-28) +2 +2 +1 (10-11) +5+5+5
        (D(2026, 3, 6), 0, D(2026, 3, 6)),
    ],
)
def test_add_working_days(start: D, days: int, deadline: D) -> None:
    assert add_working_days(start, days) == (deadline, False)
    assert working_days_between(start, deadline) == (days, False)


def test_beyond_the_calendar_is_provisional_monday_to_friday() -> None:
    assert known_years()[1] == 2026
    assert is_working_day(D(2027, 1, 1)) == (True, True)  # a Friday, assumed working
    assert is_working_day(D(2027, 1, 2)) == (False, True)
    assert add_working_days(D(2027, 3, 1), 5) == (D(2027, 3, 8), True)
    # 31 Dec 2026 is known; 1 Jan 2027 (Fri) and 4 Jan 2027 (Mon) are assumed
    assert add_working_days(D(2026, 12, 30), 3) == (D(2027, 1, 4), True)
    assert add_working_days(D(2026, 12, 30), 1) == (D(2026, 12, 31), False)
    assert working_days_between(D(2026, 12, 30), D(2027, 1, 4)) == (3, True)
    assert working_days_between(D(2027, 1, 4), D(2026, 12, 30)) == (-3, True)


def test_negative_days_rejected() -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2025, 1, 1), -1)


@given(st.dates(min_value=D(2004, 1, 1), max_value=D(2029, 12, 31)), st.integers(min_value=0, max_value=80))
def test_between_inverts_add(start: D, days: int) -> None:
    deadline, provisional = add_working_days(start, days)
    assert working_days_between(start, deadline) == (days, provisional)
    assert deadline >= start
    if days:
        assert is_working_day(deadline)[0]


@pytest.mark.parametrize(
    ("data", "deadline", "provisional"),
    [
        ({"start_date": "2025-09-15"}, "2025-10-31", False),
        ({"start_date": "2025-09-30", "working_days": 1}, "2025-10-09", False),
        ({"start_date": "2027-03-01", "working_days": 5}, "2027-03-08", True),
        ({"start_date": "2026-12-30", "working_days": 3}, "2027-01-04", True),
    ],
)
def test_disbursement_deadline(data: dict, deadline: str, provisional: bool) -> None:
    result = CALCULATORS["disbursement-deadline"].run(data, today=D(2025, 9, 20))
    assert result["deadline"] == deadline
    assert result["provisional"] is provisional
    assert any(w["code"] == "provisional_calendar" for w in result["warnings"]) is provisional
    assert result["rule_sets"][0]["name"] == "disbursement-deadline"
    assert result["citations"][0]["clause"] == "(二十二)"


def test_disbursement_overdue() -> None:
    calc = CALCULATORS["disbursement-deadline"]
    late = calc.run({"start_date": "2025-09-15", "disbursed_on": "2025-11-03"})
    assert late["overdue"] is True
    assert late["working_days_used"] == 31
    on_time = calc.run({"start_date": "2025-09-15", "disbursed_on": "2025-10-31"})
    assert on_time["overdue"] is False
    pending = calc.run({"start_date": "2025-09-15"}, today=D(2025, 10, 20))
    assert (pending["overdue"], pending["as_of"], pending["working_days_used"]) == (False, "2025-10-20", 21)
