"""``subsidy-budget`` — POLICY.md §2.5: the yearly budget of the technology-transaction post-subsidy.

Given the claim year and the total the operator approved (``approved_total``) — plus what was already granted
from the year's budget (``committed``) — the result says whether the budget is passed and, when the rule set's
``overrun`` is ``pro_rata``, the factor every newly approved claim is reduced by (``first_come``: claims are
granted in full until the budget runs out). It also carries the procedure parameters: whether the 盟市 bureau
reviews (``city_review``) and the days of publicity (``publicity_working_days``). Resolved on 31 December of the
claim year.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal
from typing import Any

from .. import citations as cite
from ..breakdown import Breakdown
from ..defaults import SUBSIDY_BUDGET
from ..errors import PolicyError
from ..fields import FieldSpec
from ..inputs import MAX_YEAR, MIN_YEAR
from ..money import ZERO, money
from ..ruleset import RuleBook, RuleSet
from .common import resolve, year_end

OVERRUNS = ("pro_rata", "first_come")

FIELDS = [
    FieldSpec("claim_year", "int", True, None, label_zh="申报年度", label_en="claim year", minimum=MIN_YEAR,
              maximum=MAX_YEAR),
    FieldSpec("approved_total", "money", True, None, label_zh="拟核定补助总额", label_en="total to be granted",
              help_zh="待核定申请的核算补助合计", help_en="the computed amounts of the claims to be granted"),
    FieldSpec("committed", "money", False, None, label_zh="已核定（已公示）补助", label_en="already granted",
              help_zh="本年度已公示或已列入拨付的补助", help_en="granted this year and already published or listed"),
]


def check_rule_set(rule_set: RuleSet) -> None:
    rule_set.decimal("budget")
    if rule_set.get("overrun") not in OVERRUNS:
        raise PolicyError(f"rule set {rule_set.name!r}: overrun must be one of {', '.join(OVERRUNS)}")
    if not isinstance(rule_set.get("city_review"), bool):
        raise PolicyError(f"rule set {rule_set.name!r}: city_review must be true or false")
    if rule_set.integer("publicity_working_days") < 1:
        raise PolicyError(f"rule set {rule_set.name!r}: publicity_working_days must be at least 1")


def compute(values: Mapping[str, Any], book: RuleBook, today: datetime.date, out: Breakdown) -> dict[str, Any]:
    year = values["claim_year"]
    rule_set = resolve(book, out, SUBSIDY_BUDGET, year_end(year), "claim_year")
    budget = money(rule_set.decimal("budget"))
    asked, committed = values["approved_total"], values["committed"] or ZERO
    left = money(max(ZERO, budget - committed))
    out.step("年度预算余额", "budget left", f"{budget} − {committed}", left)
    overrun = asked > left
    factor = Decimal(1)
    if overrun and rule_set.get("overrun") == "pro_rata":
        factor = Decimal(0)
        if asked > 0:
            factor = (left / asked).quantize(Decimal("0.000001"), rounding=ROUND_DOWN).normalize()
        out.step("等比例核减系数", "pro-rata factor", f"{left} ÷ {asked}", factor)
    elif overrun:
        out.warn("first_come", "预算不足：按申请先后核定，余额用尽为止。",
                 "Budget passed: claims are granted in the order they came until the budget runs out.")
    granted = money(asked * factor) if rule_set.get("overrun") == "pro_rata" else min(asked, left)
    out.step("可核定总额", "total that can be granted", "total × factor", granted)
    out.cite(cite.SUBSIDY_BUDGET)
    return {
        "claim_year": year,
        "budget": budget,
        "committed": committed,
        "left": left,
        "overrun": overrun,
        "overrun_rule": rule_set.get("overrun"),
        "factor": factor,
        "granted_total": granted,
        "city_review": bool(rule_set.get("city_review")),
        "publicity_working_days": rule_set.integer("publicity_working_days"),
    }
