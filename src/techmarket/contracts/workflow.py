"""The registration state machine as data (POLICY.md §3), and the review deadlines. Pure.

``approve`` moves a contract to ``registered``, or to ``second_review`` when it needs two registrars (a
technical transaction amount at or above the expert-review threshold); the second, different registrar's
``approve`` registers it. :mod:`techmarket.contracts.registration` attaches the guards and effects and applies
the table through :func:`techmarket.core.workflow.apply`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from techmarket.contracts.constants import Status
from techmarket.core.transitions import Transition, transition
from techmarket.policy.calendar import add_working_days, working_days_between

# POLICY.md §3: decide within 15 working days, 30 with expert review at 5,000,000 or more.
REVIEW_DAYS = 15
EXPERT_REVIEW_DAYS = 30
EXPERT_REVIEW_THRESHOLD = Decimal("5000000")


SELLER, REGISTRAR, SYSTEM = "seller", "registrar", "system"
DECIDING = frozenset({Status.SUBMITTED, Status.SECOND_REVIEW})


def _needs_second_registrar(contract: Any) -> bool:
    """A contract under expert review is approved by two different registrars."""
    return bool(contract.expert_review)


TRANSITIONS: tuple[Transition, ...] = (
    transition("submit", {Status.DRAFT}, Status.SUBMITTED, SELLER, "submitted"),
    transition("submit", {Status.RETURNED}, Status.SUBMITTED, SELLER, "resubmitted"),
    transition("withdraw", {Status.DRAFT, Status.SUBMITTED, Status.RETURNED}, Status.WITHDRAWN, SELLER, "withdrawn"),
    transition("reopen", {Status.WITHDRAWN}, Status.DRAFT, SELLER, "reopened"),
    # The deal it was drafted from was cancelled (its auction annulled): ended for good. Nothing leaves CANCELLED
    # (no reopen, edit or submission), unlike a withdrawal by the seller.
    transition("cancel", {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.WITHDRAWN}, Status.CANCELLED, SYSTEM,
               "cancelled"),
    transition("approve", {Status.SUBMITTED}, Status.SECOND_REVIEW, REGISTRAR, "approved_first",
               when=_needs_second_registrar),
    transition("approve", DECIDING, Status.REGISTERED, REGISTRAR, "registered"),
    transition("return", DECIDING, Status.RETURNED, REGISTRAR, "returned"),
    transition("refuse", DECIDING, Status.REFUSED, REGISTRAR, "refused"),
    transition("amend", {Status.REGISTERED}, Status.REGISTERED, REGISTRAR, "amended"),
    transition("rescind", {Status.REGISTERED}, Status.RESCINDED, REGISTRAR, "rescinded"),
)

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED, Status.WITHDRAWN})


def can(action: str, state: str) -> bool:
    return any(t.action == action and str(state) in t.sources for t in TRANSITIONS)


def actions_for(state: str, by: str) -> list[str]:
    return list(dict.fromkeys(t.action for t in TRANSITIONS if str(state) in t.sources and t.who == by))


def needs_expert_review(technical_amount: Decimal) -> bool:
    return technical_amount >= EXPERT_REVIEW_THRESHOLD


def review_deadline(started: dt.date, technical_amount: Decimal) -> tuple[dt.date, bool]:
    """The last day of review (working days by the official calendar) and whether it is provisional."""
    days = EXPERT_REVIEW_DAYS if needs_expert_review(technical_amount) else REVIEW_DAYS
    return add_working_days(started, days)


def days_left(today: dt.date, due: dt.date) -> int:
    """Working days from ``today`` to ``due``: 0 on the due day, negative when overdue."""
    return working_days_between(today, due)[0]
