"""Calibration is pure: a lenient and a harsh expert count the same for the same ranking."""

from __future__ import annotations

from decimal import Decimal as D

from techmarket.challenges.calibration import Score, calibrate, weighted_total


def test_a_lenient_expert_does_not_decide_the_outcome() -> None:
    # expert 1 is lenient and prefers application 2 slightly; experts 2 and 3 are harsh and prefer 1 clearly
    scores = [Score(1, 1, D(90)), Score(1, 2, D(95)), Score(1, 3, D(92)),
              Score(2, 1, D(60)), Score(2, 2, D(40)), Score(2, 3, D(50)),
              Score(3, 1, D(62)), Score(3, 2, D(45)), Score(3, 3, D(55))]
    raw_best = max({1, 2, 3}, key=lambda a: sum(s.total for s in scores if s.application == a))
    out = calibrate(scores)
    assert raw_best == 1 and out[0].application == 1
    assert out[0].raw_mean == D("70.67") and out[0].count == 3
    # application 2: 95 from the lenient expert, 40 and 45 from the others: a strong disagreement
    two = next(o for o in out if o.application == 2)
    assert two.spread == D(55) and two.disagreement
    # a constant shift of one expert's scores changes nothing calibrated
    shifted = [Score(s.expert, s.application, s.total - D(20) if s.expert == 1 else s.total) for s in scores]
    assert [(o.application, o.calibrated) for o in calibrate(shifted)] != [] and \
        [o.application for o in calibrate(shifted)] == [o.application for o in out]


def test_single_scores_and_empty_input() -> None:
    assert calibrate([]) == []
    (only,) = calibrate([Score(1, 7, D(80))])
    assert only.raw_mean == D(80) and only.spread == 0 and not only.disagreement


def test_weighted_total() -> None:
    rubric = [{"key": "a", "weight": 70, "scale": 5}, {"key": "b", "weight": 30, "scale": 10}]
    assert weighted_total(rubric, {"a": 4, "b": 10}) == D("86.00")
