"""``rd-investment-reward`` — POLICY.md §2.4, clause (三).

intensity = rd_prev / revenue_prev (the previous year); increment = rd_prev − rd_before_prev, counted at
``state_owned_increment_factor`` (150%) for a state-owned enterprise. Eligible when intensity >=
``min_intensity`` and the increment > ``min_increment``. The band is the one with the highest
``min_intensity`` not above the intensity; reward = band base + band rate × increment, capped at ``cap``.
The shipped table is an example (the clause publishes only the cap and the 150%). Resolved on 31 December
of ``year``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .. import citations as cite
from ..breakdown import Breakdown
from ..defaults import RD_REWARD
from ..errors import PolicyError
from ..fields import FieldSpec
from ..inputs import MAX_YEAR, MIN_YEAR
from ..money import FEN, ZERO, dec_str, money, ratio
from ..ruleset import RuleBook, RuleSet
from .common import reason, resolve, year_end

FIELDS = [
    FieldSpec(
        "year",
        "int",
        True,
        None,
        label_zh="申请年度",
        label_en="claim year",
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
    ),
    FieldSpec(
        "revenue_prev",
        "money",
        True,
        None,
        label_zh="上年度营业收入",
        label_en="revenue of the previous year",
        minimum=FEN,
    ),
    FieldSpec("rd_prev", "money", True, None, label_zh="上年度研发投入", label_en="R&D of the previous year"),
    FieldSpec("rd_before_prev", "money", True, None, label_zh="前年度研发投入", label_en="R&D of the year before"),
    FieldSpec("state_owned", "bool", False, False, label_zh="国有企业", label_en="state-owned enterprise"),
]


def bands(rule_set: RuleSet) -> list[dict[str, Any]]:
    raw = rule_set.get("bands")
    if not isinstance(raw, tuple) or not raw:
        raise PolicyError(f"rule set {rule_set.name!r}: bands must be a non-empty list")
    bands = []
    for index in range(len(raw)):
        bands.append(
            {
                "id": str(rule_set.get(f"bands.{index}.id")),
                "min_intensity": rule_set.decimal(f"bands.{index}.min_intensity"),
                "rate": rule_set.decimal(f"bands.{index}.rate"),
                "base": money(rule_set.decimal(f"bands.{index}.base")),
            }
        )
    return sorted(bands, key=lambda b: b["min_intensity"])


def compute(values: Mapping[str, Any], book: RuleBook, today: datetime.date, out: Breakdown) -> dict[str, Any]:
    rule_set = resolve(book, out, RD_REWARD, year_end(values["year"]), "year")
    revenue, rd_prev, rd_before = values["revenue_prev"], values["rd_prev"], values["rd_before_prev"]
    intensity = rd_prev / revenue
    out.step("上年度研发投入强度", "R&D intensity of the previous year", f"{rd_prev} / {revenue}", ratio(intensity))
    raw_increment = money(rd_prev - rd_before)
    factor = rule_set.decimal("state_owned_increment_factor") if values["state_owned"] else Decimal(1)
    increment = money(raw_increment * factor)
    out.step("研发投入增量", "R&D increment", f"({rd_prev} − {rd_before}) × {dec_str(factor)}", increment)
    min_intensity, min_increment = rule_set.decimal("min_intensity"), rule_set.decimal("min_increment")
    reasons = [
        reason(
            "intensity",
            intensity >= min_intensity,
            f"研发投入强度 {dec_str(ratio(intensity))}（门槛 {dec_str(min_intensity)}）",
            f"R&D intensity {dec_str(ratio(intensity))} (threshold {dec_str(min_intensity)})",
        ),
        reason(
            "increment",
            increment > min_increment,
            f"研发投入增量 {increment}（须大于 {dec_str(min_increment)}）",
            f"R&D increment {increment} (must exceed {dec_str(min_increment)})",
        ),
    ]
    band = None
    for candidate in bands(rule_set):
        if candidate["min_intensity"] <= intensity:
            band = candidate
    if band is None:
        reasons.append(reason("band", False, "强度低于所有档次", "intensity below every band"))
    eligible = all(r["met"] for r in reasons)
    cap = money(rule_set.decimal("cap"))
    reward = ZERO
    uncapped = ZERO
    if eligible and band is not None:
        uncapped = money(band["base"] + increment * band["rate"])
        out.step(
            f"按档次 {band['id']} 计算",
            f"band {band['id']}",
            f"base {band['base']} + increment {increment} × {dec_str(band['rate'])}",
            uncapped,
        )
        reward = min(uncapped, cap)
        out.step("奖补额（封顶）", "reward (capped)", f"min(amount, cap {cap})", reward)
        if uncapped > cap:
            reasons.append(reason("cap", True, f"超过单个企业每年最高 {cap} 元，按上限计", f"capped at {cap} per year"))
    out.cite(cite.RD_REWARD)
    return {
        "eligible": eligible,
        "reward": reward,
        "uncapped_reward": uncapped,
        "band": None
        if band is None
        else {
            "id": band["id"],
            "min_intensity": band["min_intensity"],
            "rate": band["rate"],
            "base": band["base"],
        },
        "intensity": ratio(intensity),
        "increment": increment,
        "raw_increment": raw_increment,
        "increment_factor": factor,
        "cap": cap,
        "reasons": reasons,
    }
