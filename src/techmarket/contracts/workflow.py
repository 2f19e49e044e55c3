"""The registration state machine as data (POLICY.md §3), and the review deadlines. Pure.

``approve`` moves a contract to ``registered``, or to ``second_review`` when it needs two registrars (a
technical transaction amount at or above the expert-review threshold); the second, different registrar's
``approve`` registers it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from techmarket.contracts.catalogue import Status
from techmarket.policy.calendar import add_working_days, working_days_between

# POLICY.md §3: decide within 15 working days, 30 with expert review at 5,000,000 or more.
REVIEW_DAYS = 15
EXPERT_REVIEW_DAYS = 30
EXPERT_REVIEW_THRESHOLD = Decimal("5000000")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[Status]
    by: str  # "seller" | "registrar"


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("submit", frozenset({Status.DRAFT, Status.RETURNED}), "seller"),
        Transition("withdraw", frozenset({Status.DRAFT, Status.SUBMITTED, Status.RETURNED}), "seller"),
        Transition("reopen", frozenset({Status.WITHDRAWN}), "seller"),
        Transition("approve", frozenset({Status.SUBMITTED, Status.SECOND_REVIEW}), "registrar"),
        Transition("return", frozenset({Status.SUBMITTED, Status.SECOND_REVIEW}), "registrar"),
        Transition("refuse", frozenset({Status.SUBMITTED, Status.SECOND_REVIEW}), "registrar"),
        Transition("amend", frozenset({Status.REGISTERED}), "registrar"),
        Transition("rescind", frozenset({Status.REGISTERED}), "registrar"),
    )
}

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED, Status.WITHDRAWN})


def can(action: str, state: str) -> bool:
    t = TRANSITIONS.get(action)
    return t is not None and state in t.sources


def actions_for(state: str, by: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if state in t.sources and t.by == by]


def needs_expert_review(technical_amount: Decimal) -> bool:
    return technical_amount >= EXPERT_REVIEW_THRESHOLD


def after_approval(state: str, needs_two: bool) -> Status:
    """Where ``approve`` leads from ``state``."""
    if needs_two and state == Status.SUBMITTED:
        return Status.SECOND_REVIEW
    return Status.REGISTERED


def review_deadline(started: dt.date, technical_amount: Decimal) -> tuple[dt.date, bool]:
    """The last day of review (working days by the official calendar) and whether it is provisional."""
    days = EXPERT_REVIEW_DAYS if needs_expert_review(technical_amount) else REVIEW_DAYS
    return add_working_days(started, days)


def days_left(today: dt.date, due: dt.date) -> int:
    """Working days from ``today`` to ``due``: 0 on the due day, negative when overdue."""
    return working_days_between(today, due)[0]
