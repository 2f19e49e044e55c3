"""Domain events: news travels upward.

A lower domain announces what happened as a past-tense :class:`DomainEvent` (``listing.approved``,
``contract.registered``); higher domains listen without the lower one knowing them. Two phases:

- **in the transaction** (``on(name)``): the listener runs inside the unit of work that raised the event and
  commits or rolls back with it (flag the statements that used an amended contract, write the history row,
  in-site notifications);
- **after commit** (``on(name, after_commit=True)``): the listener runs once the unit of work is durable
  (mail, the search outbox, webhooks, alerts); a rollback forgets the events it raised.

Listeners are registered by name, ``"listing.*"`` for every event of an object type and ``"*"`` for all. Code
that must run after *any* commit, whether or not a domain event was raised (the search index sync and the
mail queue, which collect their work from flushes), registers a **commit hook** with :func:`on_commit`.

``install(Session)`` puts the single ``after_commit``/``after_soft_rollback`` pair on the session class; no
other module listens to the session's commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, scoped_session

from techmarket.core.actor import Actor

log = logging.getLogger(__name__)

_PENDING = "techmarket.events.pending"


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened: ``name`` is ``"<object type>.<past tense>"`` (``contract.registered``)."""

    name: str
    object_type: str
    object_id: int
    actor: Actor
    data: Mapping[str, Any] = field(default_factory=dict)
    subject: Any = None  # the object itself, for in-transaction listeners (not kept after commit)

    @property
    def verb(self) -> str:
        return self.name.rpartition(".")[2]


TransactionListener = Callable[[Session, DomainEvent], None]
CommitListener = Callable[[DomainEvent], None]
CommitHook = Callable[[Session], None]
RollbackHook = Callable[[Session, Any], None]
"""``hook(session, previous_transaction)``: ``previous_transaction.nested`` tells a savepoint from the whole."""

_in_transaction: dict[str, list[TransactionListener]] = defaultdict(list)
_after_commit: dict[str, list[CommitListener]] = defaultdict(list)
_commit_hooks: list[CommitHook] = []
_rollback_hooks: list[RollbackHook] = []


def on(name: str, listener: Callable[..., None], *, after_commit: bool = False) -> None:
    """Subscribe ``listener`` to events called ``name`` (``"contract.amended"``, ``"contract.*"``, ``"*"``).

    Registering the same listener twice is a no-op, so several applications in one process (tests) share one
    registry safely.
    """
    table: dict[str, list[Any]] = _after_commit if after_commit else _in_transaction  # type: ignore[assignment]
    if listener not in table[name]:
        table[name].append(listener)


def on_commit(hook: CommitHook, *, on_rollback: RollbackHook | None = None) -> None:
    """Run ``hook(session)`` after every commit (and ``on_rollback`` after a rollback or a savepoint's)."""
    if hook not in _commit_hooks:
        _commit_hooks.append(hook)
    if on_rollback is not None and on_rollback not in _rollback_hooks:
        _rollback_hooks.append(on_rollback)


def _matching(table: Mapping[str, list[Any]], name: str) -> list[Any]:
    object_type = name.partition(".")[0]
    return [*table.get(name, ()), *table.get(f"{object_type}.*", ()), *table.get("*", ())]


def publish(session: Session, event: DomainEvent) -> DomainEvent:
    """Run the in-transaction listeners now and keep the event for the after-commit ones."""
    for listener in _matching(_in_transaction, event.name):
        listener(session, event)
    if _matching(_after_commit, event.name):
        if isinstance(session, scoped_session):  # Flask-SQLAlchemy's proxy does not pass get_transaction on
            session = session()
        kept = DomainEvent(event.name, event.object_type, event.object_id, event.actor, dict(event.data))
        # Flask-SQLAlchemy's ``db.session`` is a scoped_session, which does not proxy the transaction getters.
        real = session() if isinstance(session, scoped_session) else session
        real.info.setdefault(_PENDING, []).append((real.get_transaction(), real.get_nested_transaction(), kept))
    return event


def _inside(transaction: Any, ancestor: Any) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _after_commit_dispatch(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released: the unit of work is not durable yet
    for hook in list(_commit_hooks):
        hook(session)
    pending: list[tuple[Any, Any, DomainEvent]] = session.info.pop(_PENDING, [])
    for _outer, _nested, event in pending:
        for listener in _matching(_after_commit, event.name):
            try:
                listener(event)
            except Exception:  # the change is committed; one failing reaction must not hide the others
                log.exception("after-commit listener %s failed for %s", getattr(listener, "__name__", listener),
                              event.name)


def _after_rollback(session: Session, previous_transaction: Any) -> None:
    """A rollback forgets the events raised in what it undid: everything, or what a savepoint covered."""
    if getattr(previous_transaction, "nested", False):
        kept = [(o, n, e) for o, n, e in session.info.get(_PENDING, []) if not _inside(n, previous_transaction)]
        session.info[_PENDING] = kept
    else:
        session.info.pop(_PENDING, None)
    for hook in list(_rollback_hooks):
        hook(session, previous_transaction)


def install(session_class: type[Session]) -> None:
    """Called once by create_app."""
    if not sa_event.contains(session_class, "after_commit", _after_commit_dispatch):
        sa_event.listen(session_class, "after_commit", _after_commit_dispatch)
        sa_event.listen(session_class, "after_soft_rollback", _after_rollback)
