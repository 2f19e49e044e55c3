"""Helpers shared by the calculators: rule resolution into a breakdown, marginal bands, reasons."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..breakdown import Breakdown
from ..errors import PolicyError, RuleNotInForce
from ..inputs import field_error
from ..money import ZERO, money
from ..ruleset import RuleBook, RuleSet


def resolve(book: RuleBook, out: Breakdown, name: str, on: datetime.date, path: str) -> RuleSet:
    """Resolve ``name`` on ``on`` and record it; no version in force is an error on field ``path``."""
    try:
        rule_set = book.resolve(name, on)
    except RuleNotInForce as exc:
        raise field_error(
            path,
            "no_rule_in_force",
            f"no version of rule set {name} is in force on {on.isoformat()} "
            f"(the earliest takes effect on {exc.earliest.isoformat()})",
            f"{on.isoformat()} 无有效的规则集 {name}（最早版本自 {exc.earliest.isoformat()} 起施行）",
        ) from exc
    return out.use(rule_set)


def year_end(year: int) -> datetime.date:
    """Rule sets for a tax or claim year are resolved on 31 December of that year."""
    return datetime.date(year, 12, 31)


def reason(code: str, met: bool, zh: str, en: str) -> dict[str, Any]:
    """One eligibility reason: a stable code, whether the condition is met, and the text."""
    return {"code": code, "met": met, "zh": zh, "en": en}


def string_list(rule_set: RuleSet, key: str) -> list[str]:
    """A parameter that must be a list of strings."""
    value = rule_set.get(key)
    if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
        raise PolicyError(f"rule set {rule_set.name!r}: parameter {key!r} must be a list of strings")
    return list(value)


@dataclass(frozen=True)
class Band:
    """A marginal band: the part of an amount up to ``upto`` (``None``: no upper end) at ``rate``."""

    upto: Decimal | None
    rate: Decimal


def parse_bands(rule_set: RuleSet, key: str = "bands") -> list[Band]:
    """Marginal bands from a rule set: ascending ``upto``, the last one open (``null``), rates 0..1."""
    raw = rule_set.get(key)
    if not isinstance(raw, tuple) or not raw:
        raise PolicyError(f"rule set {rule_set.name!r}: {key!r} must be a non-empty list of bands")
    bands = []
    for index, _item in enumerate(raw):
        upto_raw = rule_set.get(f"{key}.{index}.upto")
        upto = None if upto_raw is None else rule_set.decimal(f"{key}.{index}.upto")
        rate = rule_set.decimal(f"{key}.{index}.rate")
        if not Decimal(0) <= rate <= Decimal(1):
            raise PolicyError(f"rule set {rule_set.name!r}: {key}[{index}].rate must be between 0 and 1")
        bands.append(Band(upto, rate))
    limits = [b.upto for b in bands[:-1] if b.upto is not None]
    if (
        bands[-1].upto is not None
        or len(limits) != len(bands) - 1
        or any(low >= high for low, high in itertools.pairwise(limits))
        or any(limit <= 0 for limit in limits)
    ):
        raise PolicyError(
            f"rule set {rule_set.name!r}: {key} must have increasing positive 'upto' limits and end with "
            "an open band (upto null)"
        )
    return bands


def marginal_slices(amount: Decimal, bands: Sequence[Band], uplift: Decimal = ZERO) -> list[dict[str, Any]]:
    """Split ``amount`` over the bands; each slice has its range, base, rate (+ ``uplift``, at most 1),
    and amount (base × rate, quantised to the fen). Bands above ``amount`` have a zero base."""
    slices = []
    lower = Decimal(0)
    for band in bands:
        top = amount if band.upto is None else min(amount, band.upto)
        base = money(max(Decimal(0), top - lower))
        rate = min(Decimal(1), band.rate + uplift)
        slices.append(
            {
                "from": money(lower),
                "to": None if band.upto is None else money(band.upto),
                "base": base,
                "rate": rate,
                "amount": money(base * rate),
            }
        )
        if band.upto is not None:
            lower = band.upto
    return slices


def describe_slices(out: Breakdown, slices: Sequence[dict[str, Any]], zh: str, en: str) -> Decimal:
    """Add one step per non-empty slice and return the sum of the slice amounts."""
    total = ZERO
    for item in slices:
        if item["base"] <= 0:
            continue
        upper = "∞" if item["to"] is None else format(item["to"], "f")
        out.step(
            f"{zh}：{format(item['from'], 'f')}–{upper} 元部分",
            f"{en}: the part from {format(item['from'], 'f')} to {upper} yuan",
            f"{format(item['base'], 'f')} × {format(item['rate'], 'f')}",
            item["amount"],
        )
        total += item["amount"]
    return money(total)
