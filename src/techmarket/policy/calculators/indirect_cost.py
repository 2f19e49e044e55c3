"""``indirect-cost-cap`` — POLICY.md §2.6, clause (二十三): indirect costs of a research project.

base = direct costs − equipment costs; cap = the sum over marginal bands (30% up to 5,000,000, 25% to
10,000,000, 20% above in version 1). A pure theoretical research project may be raised: each band's rate
plus the operator-set ``theoretical_uplift`` (at most 100%). Resolved on ``approval_date`` (default today).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .. import citations as cite
from ..breakdown import Breakdown
from ..defaults import INDIRECT_COST
from ..fields import FieldSpec
from ..inputs import ErrorBag
from ..money import ZERO, dec_str, money
from ..ruleset import RuleBook
from .common import describe_slices, marginal_slices, parse_bands, resolve

FIELDS = [
    FieldSpec("direct_costs", "money", True, None, label_zh="直接费用", label_en="direct costs"),
    FieldSpec("equipment_costs", "money", False, ZERO, label_zh="设备费", label_en="equipment costs"),
    FieldSpec(
        "theoretical",
        "bool",
        False,
        False,
        label_zh="纯理论基础研究项目",
        label_en="pure theoretical research",
        help_zh="按运营方设定的比例提高",
        help_en="raised by the operator-set uplift",
    ),
    FieldSpec(
        "approval_date",
        "date",
        False,
        None,
        label_zh="立项日期",
        label_en="project approval date",
        help_zh="缺省为当日",
        help_en="defaults to today",
    ),
]


def check(values: Mapping[str, Any], errors: ErrorBag) -> None:
    """Equipment costs are part of the direct costs."""
    direct, equipment = values.get("direct_costs"), values.get("equipment_costs")
    if direct is not None and equipment is not None and equipment > direct:
        errors.add("equipment_costs", "inconsistent", "equipment costs exceed the direct costs", "设备费超过直接费用")


def compute(values: Mapping[str, Any], book: RuleBook, today: datetime.date, out: Breakdown) -> dict[str, Any]:
    on = values["approval_date"] or today
    rule_set = resolve(book, out, INDIRECT_COST, on, "approval_date" if values["approval_date"] else "direct_costs")
    base = money(values["direct_costs"] - values["equipment_costs"])
    out.step(
        "计算基数",
        "base",
        f"direct costs {values['direct_costs']} − equipment {values['equipment_costs']}",
        base,
    )
    uplift = Decimal(0)
    if values["theoretical"]:
        uplift = rule_set.decimal("theoretical_uplift")
        out.warn(
            "theoretical_uplift",
            f"纯理论基础研究项目各段比例提高 {dec_str(uplift)}（运营方设定；(二十三) 未规定具体比例）。",
            f"Pure theoretical research: every band's rate is raised by {dec_str(uplift)} "
            "(set by the operator; "
            "(二十三) gives no figure).",
        )
    slices = marginal_slices(base, parse_bands(rule_set), uplift)
    cap = describe_slices(out, slices, "间接费用", "indirect costs")
    out.step("间接费用上限", "indirect-cost cap", "sum of the slices", cap)
    out.cite(cite.INDIRECT_COST_23)
    share = (cap / base).quantize(Decimal("0.0001")) if base > 0 else ZERO
    return {
        "base": base,
        "cap": cap,
        "slices": slices,
        "theoretical": values["theoretical"],
        "uplift": uplift,
        "share_of_base": share,
    }
