"""A row of a state machine's table: pure data, importable by any domain's pure ``workflow`` module.

:mod:`techmarket.core.workflow` applies the rows; see its docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

Guard = Callable[[Any, Any, T, Mapping[str, Any]], None]
"""``guard(session, actor, obj, data)`` raises a ``DomainError`` when the step may not be taken with this data."""

Effect = Callable[[Any, Any, T, Mapping[str, Any]], Mapping[str, Any] | None]
"""``effect(session, actor, obj, data)`` sets what the step changes besides the state; may return extra data for
the event and the audit entry."""


@dataclass(frozen=True)
class Transition(Generic[T]):
    action: str
    sources: frozenset[str]
    target: str
    who: str
    event: str
    """Past tense, the second half of the event name: ``approved`` -> ``listing.approved``."""
    guard: Guard[T] | None = None
    when: Callable[[T], bool] | None = None
    """Chooses between rows of one action from one state (``approve`` of a large contract goes elsewhere)."""
    effect: Effect[T] | None = None


def transition(action: str, sources: Iterable[Any], target: Any, who: str, event: str, **extra: Any) -> Transition:
    """A row of a table, with enum states written as themselves."""
    return Transition(action, frozenset(str(getattr(s, "value", s)) for s in sources),
                      str(getattr(target, "value", target)), who, event, **extra)
