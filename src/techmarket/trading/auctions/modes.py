"""Auction modes: a registry of pure functions over dataclasses and ``Decimal`` (no Flask, no database).

Each mode answers two questions: is this bid acceptable in this state at this instant (and does it move the
end: anti-sniping), and who won at the close. Refusals are codes (:data:`REFUSALS`); the service turns them
into translated messages.

- ``english``: 自由报价 then 限时竞价. The first bid is the starting price plus k x increment (k >= 0), every later
  bid the current high plus k x increment (k >= 1). A bid in the last N minutes moves the end N minutes later,
  without limit. The high bidder does not bid against themselves. Highest wins if it reaches the hidden
  reserve.
- ``sealed``: one bid per bidder, at least the starting price, hidden until the close; the highest wins, a tie
  goes to the earliest; the reserve applies.
- ``reverse``: the starting price is a ceiling; bids go down by k x decrement; the lowest wins if it is at or
  below the reserve (the most the buyer accepts), if one is set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

NOT_OPEN = "not_open"
CLOSED = "closed"
NOT_POSITIVE = "not_positive"
BELOW_START = "below_start"
ABOVE_START = "above_start"
OFF_GRID = "off_grid"
NOT_ABOVE_HIGH = "not_above_high"
NOT_BELOW_LOW = "not_below_low"
ALREADY_HIGH = "already_high"
ALREADY_BID = "already_bid"

REFUSALS = (NOT_OPEN, CLOSED, NOT_POSITIVE, BELOW_START, ABOVE_START, OFF_GRID, NOT_ABOVE_HIGH, NOT_BELOW_LOW,
            ALREADY_HIGH, ALREADY_BID)

SOLD = "sold"
FAILED = "failed"


@dataclass(frozen=True)
class Rules:
    start_price: Decimal
    increment: Decimal
    """The increment (加价幅度), or the decrement of a reverse auction."""
    reserve: Decimal | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    """The current end (moved by extensions)."""
    extension_minutes: int = 5


@dataclass(frozen=True)
class PlacedBid:
    bidder_id: int
    amount: Decimal
    at: dt.datetime
    seq: int
    """The order of arrival (the bid's id): a tie at the same instant goes to the earlier."""


@dataclass(frozen=True)
class State:
    high: Decimal | None
    """The best accepted bid so far (the highest; the lowest in a reverse auction)."""
    high_bidder_id: int | None
    bidders_who_bid: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Verdict:
    refusal: str | None
    ends_at: dt.datetime
    """The end after this bid (later than before when the bid extended it)."""
    moves_high: bool = True
    """Whether the bid becomes the visible high (sealed bids never do)."""

    @property
    def ok(self) -> bool:
        return self.refusal is None


@dataclass(frozen=True)
class Outcome:
    outcome: str  # sold | failed
    winner_bidder_id: int | None
    amount: Decimal | None
    why: str = ""  # no_bids | below_reserve | "" when sold


@dataclass(frozen=True)
class Mode:
    key: str
    check: Callable[[Rules, State, int, Decimal, dt.datetime], Verdict]
    outcome: Callable[[Rules, Sequence[PlacedBid]], Outcome]
    quick_bids: Callable[[Rules, State, Sequence[int]], list[Decimal]]
    hidden: bool
    """Bids stay hidden until the close (sealed)."""
    ascending: bool


def _timing(rules: Rules, now: dt.datetime) -> str | None:
    if now < rules.starts_at:
        return NOT_OPEN
    if now >= rules.ends_at:
        return CLOSED
    return None


def _on_grid(amount: Decimal, base: Decimal, step: Decimal) -> int | None:
    """k with amount = base + k x step (k may be negative), or None when off the grid."""
    if step <= 0:
        return None
    k, rest = divmod(amount - base, step)
    return int(k) if rest == 0 else None


def _extended(rules: Rules, now: dt.datetime) -> dt.datetime:
    window = dt.timedelta(minutes=rules.extension_minutes)
    if rules.extension_minutes > 0 and rules.ends_at - now <= window:
        return rules.ends_at + window
    return rules.ends_at


def _refuse(rules: Rules, code: str) -> Verdict:
    return Verdict(code, rules.ends_at)


def english_check(rules: Rules, state: State, bidder_id: int, amount: Decimal, now: dt.datetime) -> Verdict:
    if (code := _timing(rules, now)) is not None:
        return _refuse(rules, code)
    if amount <= 0:
        return _refuse(rules, NOT_POSITIVE)
    if state.high is None:
        if amount < rules.start_price:
            return _refuse(rules, BELOW_START)
        if _on_grid(amount, rules.start_price, rules.increment) is None:
            return _refuse(rules, OFF_GRID)
    else:
        if state.high_bidder_id == bidder_id:
            return _refuse(rules, ALREADY_HIGH)
        if amount <= state.high:
            return _refuse(rules, NOT_ABOVE_HIGH)
        if _on_grid(amount, state.high, rules.increment) is None:
            return _refuse(rules, OFF_GRID)
    return Verdict(None, _extended(rules, now))


def reverse_check(rules: Rules, state: State, bidder_id: int, amount: Decimal, now: dt.datetime) -> Verdict:
    if (code := _timing(rules, now)) is not None:
        return _refuse(rules, code)
    if amount <= 0:
        return _refuse(rules, NOT_POSITIVE)
    if state.high is None:
        if amount > rules.start_price:
            return _refuse(rules, ABOVE_START)
        if _on_grid(amount, rules.start_price, rules.increment) is None:
            return _refuse(rules, OFF_GRID)
    else:
        if state.high_bidder_id == bidder_id:
            return _refuse(rules, ALREADY_HIGH)
        if amount >= state.high:
            return _refuse(rules, NOT_BELOW_LOW)
        if _on_grid(amount, state.high, rules.increment) is None:
            return _refuse(rules, OFF_GRID)
    return Verdict(None, _extended(rules, now))


def sealed_check(rules: Rules, state: State, bidder_id: int, amount: Decimal, now: dt.datetime) -> Verdict:
    if (code := _timing(rules, now)) is not None:
        return _refuse(rules, code)
    if amount <= 0:
        return _refuse(rules, NOT_POSITIVE)
    if bidder_id in state.bidders_who_bid:
        return _refuse(rules, ALREADY_BID)
    if amount < rules.start_price:
        return _refuse(rules, BELOW_START)
    return Verdict(None, rules.ends_at, moves_high=False)


def _best(bids: Sequence[PlacedBid], *, lowest: bool) -> PlacedBid | None:
    if not bids:
        return None
    sign = 1 if lowest else -1
    return min(bids, key=lambda b: (sign * b.amount, b.at, b.seq))


def _result(best: PlacedBid | None, ok: Callable[[Decimal], bool]) -> Outcome:
    if best is None:
        return Outcome(FAILED, None, None, "no_bids")
    if not ok(best.amount):
        return Outcome(FAILED, None, None, "below_reserve")
    return Outcome(SOLD, best.bidder_id, best.amount)


def highest_outcome(rules: Rules, bids: Sequence[PlacedBid]) -> Outcome:
    return _result(_best(bids, lowest=False), lambda a: rules.reserve is None or a >= rules.reserve)


def lowest_outcome(rules: Rules, bids: Sequence[PlacedBid]) -> Outcome:
    return _result(_best(bids, lowest=True), lambda a: rules.reserve is None or a <= rules.reserve)


def _steps(rules: Rules, state: State, steps: Sequence[int], sign: int) -> list[Decimal]:
    if state.high is None:
        return [rules.start_price + sign * (k - 1) * rules.increment for k in steps
                if rules.start_price + sign * (k - 1) * rules.increment > 0]
    return [state.high + sign * k * rules.increment for k in steps if state.high + sign * k * rules.increment > 0]


def up_bids(rules: Rules, state: State, steps: Sequence[int]) -> list[Decimal]:
    """The quick-bid amounts (+1/+2/+5 increments; the first bid's +1 is the starting price)."""
    return _steps(rules, state, steps, 1)


def down_bids(rules: Rules, state: State, steps: Sequence[int]) -> list[Decimal]:
    return _steps(rules, state, steps, -1)


def no_quick_bids(rules: Rules, state: State, steps: Sequence[int]) -> list[Decimal]:
    return []


ENGLISH = Mode("english", english_check, highest_outcome, up_bids, hidden=False, ascending=True)
SEALED = Mode("sealed", sealed_check, highest_outcome, no_quick_bids, hidden=True, ascending=True)
REVERSE = Mode("reverse", reverse_check, lowest_outcome, down_bids, hidden=False, ascending=False)

REGISTRY: dict[str, Mode] = {m.key: m for m in (ENGLISH, SEALED, REVERSE)}


def get(key: str) -> Mode:
    return REGISTRY[key]
