"""The listing state machine as data: which action moves which state where, and who may do it. Pure.

The rules that need the database (guards, effects) are attached in :mod:`techmarket.listings.services`, which
applies the table through :func:`techmarket.core.workflow.apply`.
"""

from __future__ import annotations

from techmarket.core.transitions import Transition, transition
from techmarket.listings.constants import Status

OWNER, OPERATOR, SYSTEM = "owner", "operator", "system"
OWNER_OR_OPERATOR = "owner_or_operator"  # withdrawing: the owner, or the operator as moderator

TRANSITIONS: tuple[Transition, ...] = (
    transition("submit", {Status.DRAFT, Status.RETURNED}, Status.SUBMITTED, OWNER, "submitted"),
    transition("approve", {Status.SUBMITTED}, Status.PUBLISHED, OPERATOR, "approved"),
    transition("return", {Status.SUBMITTED}, Status.RETURNED, OPERATOR, "returned"),
    transition("withdraw", {Status.SUBMITTED, Status.PUBLISHED, Status.RETURNED, Status.DRAFT}, Status.WITHDRAWN,
               OWNER_OR_OPERATOR, "withdrawn"),
    transition("close", {Status.PUBLISHED}, Status.CLOSED, OWNER, "closed"),
    transition("expire", {Status.PUBLISHED}, Status.EXPIRED, SYSTEM, "expired"),
    transition("reopen", {Status.WITHDRAWN, Status.EXPIRED}, Status.DRAFT, OWNER, "reopened"),
    # The operator decides a change proposed to a published listing: the state stays, the content changes.
    transition("approve_revision", {Status.PUBLISHED}, Status.PUBLISHED, OPERATOR, "revision_approved"),
    *(transition("reject_revision", {s}, s, OPERATOR, "revision_rejected") for s in Status),
)
REVISION_ACTIONS = frozenset({"approve_revision", "reject_revision"})
BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS if t.action not in REVISION_ACTIONS}
"""The lifecycle steps (one row each); the revision decisions have a row per state."""

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED, Status.WITHDRAWN})
PUBLIC = frozenset({Status.PUBLISHED})


def can(action: str, state: Status | str) -> bool:
    value = str(getattr(state, "value", state))
    return any(t.action == action and value in t.sources for t in TRANSITIONS)


def target(action: str, state: Status) -> Status | None:
    return Status(BY_ACTION[action].target) if can(action, state) else None


def actions_for(state: Status | str, by: str) -> list[str]:
    return [t.action for t in TRANSITIONS if t.action not in REVISION_ACTIONS and can(t.action, state)
            and by in _ROLES[t.who]]


_ROLES = {OWNER: {OWNER}, OPERATOR: {OPERATOR}, SYSTEM: {SYSTEM}, OWNER_OR_OPERATOR: {OWNER, OPERATOR}}


def taken_by(action: str, by: str) -> bool:
    """Whether ``by`` (owner, operator, system) may take ``action``."""
    t = BY_ACTION.get(action)
    return t is not None and by in _ROLES[t.who]
