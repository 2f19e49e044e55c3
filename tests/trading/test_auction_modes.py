"""The auction modes as pure functions: the increment grid, the reserve, anti-sniping, sealed and reverse bids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from techmarket.trading.auctions import modes
from techmarket.trading.auctions.modes import PlacedBid, Rules, State

T0 = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)
END = T0 + dt.timedelta(hours=2)
RULES = Rules(start_price=D("100000"), increment=D("5000"), reserve=D("120000"), starts_at=T0, ends_at=END)
EMPTY = State(None, None)


def _at(minutes_before_end: float) -> dt.datetime:
    return END - dt.timedelta(minutes=minutes_before_end)


def test_english_grid_high_and_timing() -> None:
    check = modes.ENGLISH.check
    mid = _at(60)
    assert check(RULES, EMPTY, 1, D("100000"), mid).ok  # the starting price itself is the first bid
    assert check(RULES, EMPTY, 1, D("99999"), mid).refusal == modes.BELOW_START
    assert check(RULES, EMPTY, 1, D("101000"), mid).refusal == modes.OFF_GRID
    high = State(D("110000"), 1)
    assert check(RULES, high, 2, D("110000"), mid).refusal == modes.NOT_ABOVE_HIGH
    assert check(RULES, high, 2, D("112500"), mid).refusal == modes.OFF_GRID
    assert check(RULES, high, 2, D("135000"), mid).ok  # k = 5
    assert check(RULES, high, 1, D("115000"), mid).refusal == modes.ALREADY_HIGH
    assert check(RULES, high, 2, D("-5"), mid).refusal == modes.NOT_POSITIVE
    assert check(RULES, high, 2, D("115000"), T0 - dt.timedelta(seconds=1)).refusal == modes.NOT_OPEN
    assert check(RULES, high, 2, D("115000"), END).refusal == modes.CLOSED  # exactly at the end: too late
    assert modes.ENGLISH.quick_bids(RULES, high, (1, 2, 5)) == [D("115000"), D("120000"), D("135000")]
    assert modes.ENGLISH.quick_bids(RULES, EMPTY, (1, 2)) == [D("100000"), D("105000")]


def test_anti_sniping_extends_without_limit() -> None:
    check = modes.ENGLISH.check
    assert check(RULES, EMPTY, 1, D("100000"), _at(5.01)).ends_at == END
    verdict = check(RULES, EMPTY, 1, D("100000"), _at(0.01))
    assert verdict.ends_at == END + dt.timedelta(minutes=5)
    rules, state = RULES, EMPTY
    for n in range(1, 30):  # every bid in the last minutes moves the end again
        now = rules.ends_at - dt.timedelta(seconds=10)
        verdict = check(rules, state, n % 2, (state.high or D("95000")) + D("5000"), now)
        assert verdict.ok and verdict.ends_at == rules.ends_at + dt.timedelta(minutes=5)
        rules = Rules(**{**rules.__dict__, "ends_at": verdict.ends_at})
        state = State((state.high or D("95000")) + D("5000"), n % 2)


def test_english_outcome_reserve_and_no_bids() -> None:
    bids = [PlacedBid(1, D("100000"), T0, 1), PlacedBid(2, D("125000"), T0, 2)]
    assert modes.ENGLISH.outcome(RULES, bids) == modes.Outcome(modes.SOLD, 2, D("125000"))
    assert modes.ENGLISH.outcome(RULES, bids[:1]).why == "below_reserve"
    assert modes.ENGLISH.outcome(RULES, []).outcome == modes.FAILED


def test_sealed_one_bid_each_tie_goes_to_the_earliest() -> None:
    check = modes.SEALED.check
    assert check(RULES, State(None, None, frozenset({1})), 1, D("130000"), _at(30)).refusal == modes.ALREADY_BID
    verdict = check(RULES, EMPTY, 1, D("123456.78"), _at(1))
    assert verdict.ok and not verdict.moves_high and verdict.ends_at == END  # no grid, no extension
    assert check(RULES, EMPTY, 1, D("99000"), _at(30)).refusal == modes.BELOW_START
    bids = [PlacedBid(1, D("130000"), T0 + dt.timedelta(minutes=3), 1),
            PlacedBid(2, D("130000"), T0 + dt.timedelta(minutes=1), 2),
            PlacedBid(3, D("125000"), T0, 3)]
    assert modes.SEALED.outcome(RULES, bids).winner_bidder_id == 2
    assert modes.SEALED.quick_bids(RULES, EMPTY, (1, 2, 5)) == [] and modes.SEALED.hidden


def test_reverse_lowest_wins_by_decrement() -> None:
    rules = Rules(start_price=D("500000"), increment=D("10000"), reserve=D("450000"), starts_at=T0, ends_at=END)
    check = modes.REVERSE.check
    assert check(rules, EMPTY, 1, D("510000"), _at(30)).refusal == modes.ABOVE_START
    assert check(rules, EMPTY, 1, D("490000"), _at(30)).ok
    low = State(D("490000"), 1)
    assert check(rules, low, 2, D("495000"), _at(30)).refusal == modes.NOT_BELOW_LOW
    assert check(rules, low, 2, D("485000"), _at(30)).refusal == modes.OFF_GRID
    assert check(rules, low, 2, D("470000"), _at(30)).ok
    assert modes.REVERSE.quick_bids(rules, low, (1, 2, 5)) == [D("480000"), D("470000"), D("440000")]
    bids = [PlacedBid(1, D("490000"), T0, 1), PlacedBid(2, D("440000"), T0, 2)]
    assert modes.REVERSE.outcome(rules, bids) == modes.Outcome(modes.SOLD, 2, D("440000"))
    assert modes.REVERSE.outcome(rules, bids[:1]).why == "below_reserve"
    assert set(modes.REGISTRY) == {"english", "sealed", "reverse"}
