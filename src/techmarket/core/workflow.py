"""One path for every state change.

Each stateful object has a :class:`Machine`: a table of :class:`Transition` rows (source states, action,
target, who may, guard, effect) and the few callbacks that know the object (who the actor is to it, its
audit snapshot). :func:`apply` is the only way a state changes:

1. find the action's rows (an unknown action is a 404), ask the machine whether the actor may take it;
2. compare the version the user saw (a stale page is a clear conflict);
3. pick the row whose source is the current state and whose guard passes (none: the step is not possible);
4. set the target, run the row's effect (other fields), flush (a concurrent decision committed first
   becomes a :class:`Conflict`);
5. write **one** audit entry with before and after, and publish a past-tense domain event
   (``listing.approved``) whose listeners do the rest (history rows, notifications, search, mail).

The tables themselves are pure data (they live beside each domain's models and import no database code).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from techmarket.core import audit, events
from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict, DomainError, NotFound
from techmarket.core.transitions import Transition

T = TypeVar("T")


@dataclass(frozen=True)
class Machine(Generic[T]):
    name: str
    """The object type: audit entries and event names use it (``contract``)."""
    transitions: tuple[Transition[T], ...]
    authorise: Callable[[Session, Actor, T, str], None]
    """Raises ``PermissionDenied`` unless the actor is ``who`` for this object."""
    snapshot: Callable[[T], Mapping[str, Any]]
    not_possible: Callable[[T, str], DomainError]
    """The error for an action that the current state does not allow (may name what happened instead)."""
    stale: Callable[[T], DomainError] = field(default=lambda obj: Conflict(
        _l("Someone else changed this first. Reload to see its state.")))
    state_attr: str = "status"

    def rows(self, action: str) -> list[Transition[T]]:
        return [t for t in self.transitions if t.action == action]

    def state(self, obj: T) -> str:
        return str(getattr(obj, self.state_attr))

    def allowed(self, obj: T, action: str) -> bool:
        """Whether the current state allows ``action`` (no permission or guard check)."""
        return self.find(obj, action) is not None

    def find(self, obj: T, action: str) -> Transition[T] | None:
        state = self.state(obj)
        for row in self.rows(action):
            if state in row.sources and (row.when is None or row.when(obj)):
                return row
        return None

    def actions(self, obj: T, who: Iterable[str]) -> list[str]:
        """The actions the current state offers to any of the roles in ``who`` (for pages and the API)."""
        roles = set(who)
        seen: dict[str, None] = {}
        for row in self.transitions:
            if row.who in roles and self.find(obj, row.action) is row:
                seen[row.action] = None
        return list(seen)

    @property
    def states(self) -> frozenset[str]:
        return frozenset(s for t in self.transitions for s in t.sources) | {t.target for t in self.transitions}


@dataclass(frozen=True)
class Applied(Generic[T]):
    obj: T
    transition: Transition[T]
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    event: events.DomainEvent


def apply(session: Session, actor: Actor, machine: Machine[T], obj: T, action: str, *,
          expected_version: int | None = None, **data: Any) -> Applied[T]:
    """Take ``action`` on ``obj`` for ``actor`` (see the module's docstring for the steps)."""
    rows = machine.rows(action)
    if not rows:
        raise NotFound(_l("Unknown action."))
    machine.authorise(session, actor, obj, rows[0].who)
    if expected_version is not None and expected_version != getattr(obj, "version", None):
        raise machine.stale(obj)
    row = machine.find(obj, action)
    if row is None:
        raise machine.not_possible(obj, action)
    if row.who != rows[0].who:
        machine.authorise(session, actor, obj, row.who)
    if row.guard is not None:
        row.guard(session, actor, obj, data)
    before = dict(machine.snapshot(obj))
    source = machine.state(obj)
    setattr(obj, machine.state_attr, row.target)
    extra = dict(row.effect(session, actor, obj, data) or {}) if row.effect is not None else {}
    try:
        session.flush()
    except (StaleDataError, IntegrityError) as exc:
        raise machine.stale(obj) from exc
    after = dict(machine.snapshot(obj))
    reason = str(data.get("reason") or "").strip()
    note = {k: v for k, v in {"reason": reason, **extra}.items() if v not in (None, "", [], {})}
    audit.record(session, actor, machine.name, obj.id, action, before, after | note)  # type: ignore[attr-defined]
    event = events.publish(session, events.DomainEvent(
        name=f"{machine.name}.{row.event}", object_type=machine.name, object_id=obj.id,  # type: ignore[attr-defined]
        actor=actor, data={"action": action, "from": source, "to": row.target, **note},
        subject=obj))
    return Applied(obj, row, before, after, event)
