"""The listing state machine as data: which action moves which state where, and who may do it. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from techmarket.listings.constants import Status


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[Status]
    target: Status
    by: str  # "owner" | "operator" | "system"


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("submit", frozenset({Status.DRAFT, Status.RETURNED}), Status.SUBMITTED, "owner"),
        Transition("approve", frozenset({Status.SUBMITTED}), Status.PUBLISHED, "operator"),
        Transition("return", frozenset({Status.SUBMITTED}), Status.RETURNED, "operator"),
        Transition("withdraw", frozenset({Status.SUBMITTED, Status.PUBLISHED, Status.RETURNED, Status.DRAFT}),
                   Status.WITHDRAWN, "owner"),
        Transition("close", frozenset({Status.PUBLISHED}), Status.CLOSED, "owner"),
        Transition("expire", frozenset({Status.PUBLISHED}), Status.EXPIRED, "system"),
        Transition("reopen", frozenset({Status.WITHDRAWN, Status.EXPIRED}), Status.DRAFT, "owner"),
    )
}

EDITABLE = frozenset({Status.DRAFT, Status.RETURNED, Status.WITHDRAWN})
PUBLIC = frozenset({Status.PUBLISHED})


def can(action: str, state: Status) -> bool:
    t = TRANSITIONS.get(action)
    return t is not None and state in t.sources


def target(action: str, state: Status) -> Status | None:
    return TRANSITIONS[action].target if can(action, state) else None


def actions_for(state: Status, by: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if state in t.sources and t.by == by]
