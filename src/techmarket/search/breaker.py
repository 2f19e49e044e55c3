"""The circuit breaker in front of Elasticsearch, shared by every process through :mod:`shared_state`.

Closed (no key): every search asks Elasticsearch. A failure (timeout, refused connection, 5xx) opens it for
``cooldown`` seconds: every worker of every instance answers from the database at once, without waiting for
a server that hangs. After the cool-down it is half-open: exactly one caller, across all processes, gets the
probe lease and asks Elasticsearch again (with the short query timeout); the others keep answering from the
database. The probe's success closes the breaker (the caller then catches the outbox up, see
:class:`techmarket.search.service.SearchService`); its failure opens it for another cool-down. The scheduled
``techmarket search drain`` probes too, so a quiet site recovers without a visitor.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from techmarket.search.shared_state import SharedState

OPEN_KEY = "breaker"
PROBE_KEY = "breaker-probe"


@dataclass(frozen=True)
class Attempt:
    """Leave to call Elasticsearch. ``probe``: the breaker was open and this call decides whether it closes."""

    probe: bool = False


@dataclass(frozen=True)
class BreakerStatus:
    open_until: float
    failures: int
    reason: str

    @property
    def seconds_left(self) -> float:
        return max(0.0, self.open_until - time.time())


class Breaker:
    def __init__(self, state: SharedState, *, cooldown: float = 30.0, probe_seconds: float = 10.0) -> None:
        self.state = state
        self.cooldown = cooldown
        self.probe_seconds = probe_seconds  # a probe that neither succeeds nor fails within this (a killed
        # worker) hands the lease on

    def status(self) -> BreakerStatus | None:
        """None while closed."""
        found = self.state.get(OPEN_KEY)
        if found is None:
            return None
        return BreakerStatus(open_until=float(found.get("until", 0)), failures=int(found.get("failures", 1)),
                             reason=str(found.get("reason", "")))

    def attempt(self) -> Attempt | None:
        """Leave to call Elasticsearch now, or None: answer from the database without asking it."""
        found = self.state.get(OPEN_KEY)
        if found is None:
            return Attempt()
        if time.time() < float(found.get("until", 0)):
            return None
        if self.state.add(PROBE_KEY, {"since": time.time()}, ttl=self.probe_seconds):
            return Attempt(probe=True)
        return None

    def forced(self) -> Attempt:
        """Leave to call whatever the state (an operator's explicit ``--now``); its outcome counts as a probe."""
        return Attempt(probe=True)

    def failed(self, reason: str) -> None:
        found: dict[str, Any] = self.state.get(OPEN_KEY) or {}
        self.state.set(OPEN_KEY, {"until": time.time() + self.cooldown, "failures": int(found.get("failures", 0)) + 1,
                                  "reason": reason[:300]})
        self.state.delete(PROBE_KEY)

    def succeeded(self, attempt: Attempt) -> bool:
        """Record a call that Elasticsearch answered: True when this closed an open breaker (recovery)."""
        if not attempt.probe:
            return False
        closed = self.state.delete(OPEN_KEY)
        self.state.delete(PROBE_KEY)
        return closed
