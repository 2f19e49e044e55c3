"""Calibrating expert scores, so that a lenient or a harsh expert does not decide the outcome. Pure.

Each expert's totals are standardised against that expert's own mean and spread (z-scores), then rescaled to
the panel's overall mean and spread: an expert who gives everyone 90 and one who gives everyone 60 then
count the same for the same ranking. An application's calibrated score is the mean of its rescaled scores.
An expert with a single score, or with identical scores, has no spread of their own: their score counts as
their own average (z = 0). The spread between experts (highest minus lowest raw total) flags applications
on which experts disagree strongly, so the operator can ask for a third opinion.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Score:
    expert: int
    application: int
    total: Decimal  # 0..100, the weighted rubric total


@dataclass(frozen=True)
class Outcome:
    application: int
    count: int
    raw_mean: Decimal
    calibrated: Decimal
    spread: Decimal
    disagreement: bool


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _sd(values: Sequence[Decimal]) -> Decimal:
    if len(values) < 2:
        return Decimal(0)
    m = _mean(values)
    return (sum(((v - m) ** 2 for v in values), Decimal(0)) / len(values)).sqrt()


def calibrate(scores: Sequence[Score], threshold: Decimal = Decimal(25)) -> list[Outcome]:
    """One outcome per scored application, best calibrated score first (ties: the higher raw mean, then id)."""
    if not scores:
        return []
    all_totals = [s.total for s in scores]
    grand_mean, grand_sd = _mean(all_totals), _sd(all_totals)
    by_expert: dict[int, list[Decimal]] = defaultdict(list)
    for s in scores:
        by_expert[s.expert].append(s.total)
    stats = {e: (_mean(v), _sd(v)) for e, v in by_expert.items()}
    raw: dict[int, list[Decimal]] = defaultdict(list)
    rescaled: dict[int, list[Decimal]] = defaultdict(list)
    for s in scores:
        mean, sd = stats[s.expert]
        z = (s.total - mean) / sd if sd > 0 else Decimal(0)
        rescaled[s.application].append(min(Decimal(100), max(Decimal(0), grand_mean + z * grand_sd)))
        raw[s.application].append(s.total)
    outcomes = []
    for app, values in raw.items():
        spread = max(values) - min(values)
        outcomes.append(Outcome(application=app, count=len(values), raw_mean=_mean(values).quantize(CENT),
                                calibrated=_mean(rescaled[app]).quantize(CENT), spread=spread.quantize(CENT),
                                disagreement=len(values) >= 2 and spread >= threshold))
    return sorted(outcomes, key=lambda o: (-o.calibrated, -o.raw_mean, o.application))


def weighted_total(rubric: Sequence[dict], scores: dict[str, int]) -> Decimal:
    """The rubric total on 100: each criterion's score over its scale, times its weight."""
    total = sum((Decimal(c["weight"]) * Decimal(scores[c["key"]]) / Decimal(c["scale"]) for c in rubric), Decimal(0))
    return total.quantize(CENT)
