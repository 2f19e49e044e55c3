"""``local-share-relief`` — POLICY.md §2.2, clause (四): relocated technology enterprises.

Counting from the tax year of the first production/operating revenue (year 1), the local share of CIT
(``local_share_ratio`` × CIT payable after national reliefs) is relieved by the rule set's ``schedule``
(years 1–3 in full, years 4–6 by half in version 1). Each year resolves the rule set on its 31 December.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .. import citations as cite
from ..breakdown import Breakdown
from ..defaults import LOCAL_SHARE
from ..errors import PolicyError, RuleNotInForce
from ..fields import FieldSpec
from ..inputs import MAX_YEAR, MIN_YEAR, ErrorBag
from ..money import ZERO, dec_str, money
from ..ruleset import RuleBook, RuleSet
from .common import year_end

YEAR_FIELDS = [
    FieldSpec(
        "year",
        "int",
        True,
        None,
        label_zh="纳税年度",
        label_en="tax year",
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
    ),
    FieldSpec(
        "cit_payable",
        "money",
        True,
        None,
        label_zh="应纳企业所得税（享受国家减免后）",
        label_en="CIT payable after national reliefs",
    ),
]

FIELDS = [
    FieldSpec(
        "first_revenue_year",
        "int",
        True,
        None,
        label_zh="取得第一笔生产经营收入的纳税年度",
        label_en="tax year of the first operating revenue",
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
    ),
    FieldSpec(
        "local_share_ratio",
        "rate",
        False,
        None,
        label_zh="地方分享比例",
        label_en="local share ratio",
        help_zh="缺省取规则集 default_local_share_ratio；税款全部归中央的纳税人填 0",
        help_en="defaults to the rule set's default_local_share_ratio; 0 if the CIT is wholly central",
    ),
    FieldSpec(
        "years",
        "list",
        True,
        None,
        label_zh="各年度应纳税额",
        label_en="CIT payable by year",
        item_fields=YEAR_FIELDS,
        minimum=1,
    ),
]


def check(values: Mapping[str, Any], errors: ErrorBag) -> None:
    """Each year appears once."""
    seen: set[int] = set()
    for index, item in enumerate(values.get("years") or []):
        year = item.get("year")
        if year is not None and year in seen:
            errors.add(f"years[{index}].year", "duplicate", "year given twice", "年度重复")
        seen.add(year)


def _relief_share(rule_set: RuleSet, year_number: int) -> Decimal:
    schedule = rule_set.get("schedule")
    if not isinstance(schedule, tuple):
        raise PolicyError(f"rule set {rule_set.name!r}: schedule must be a list")
    for index in range(len(schedule)):
        low = rule_set.integer(f"schedule.{index}.from_year")
        high = rule_set.integer(f"schedule.{index}.to_year")
        if low <= year_number <= high:
            return rule_set.decimal(f"schedule.{index}.relief_share")
    return Decimal(0)


def compute(values: Mapping[str, Any], book: RuleBook, today: datetime.date, out: Breakdown) -> dict[str, Any]:
    first = values["first_revenue_year"]
    schedule = []
    totals = {"local_share": ZERO, "relief": ZERO, "cit_after_relief": ZERO}
    for item in sorted(values["years"], key=lambda i: i["year"]):
        year, payable = item["year"], item["cit_payable"]
        number = year - first + 1
        try:
            rule_set: RuleSet | None = out.use(book.resolve(LOCAL_SHARE, year_end(year)))
        except RuleNotInForce:
            rule_set = None
            out.warn(
                f"no_rule_in_force:{year}",
                f"{year} 年无有效规则集，不予减免。",
                f"No rule set was in force in {year}: no relief.",
            )
        if rule_set is None:
            ratio = values["local_share_ratio"] if values["local_share_ratio"] is not None else Decimal(0)
            share_rate = Decimal(0)
        else:
            ratio = (
                values["local_share_ratio"]
                if values["local_share_ratio"] is not None
                else rule_set.decimal("default_local_share_ratio")
            )
            share_rate = _relief_share(rule_set, number) if number >= 1 else Decimal(0)
        local_share = money(payable * ratio)
        relief = money(local_share * share_rate)
        after = money(payable - relief)
        out.step(
            f"{year} 年（第 {number} 年）地方分享部分",
            f"{year} (year {number}): local share",
            f"{payable} × {dec_str(ratio)}",
            local_share,
        )
        out.step(f"{year} 年减免额", f"{year}: relief", f"local share × {dec_str(share_rate)}", relief)
        schedule.append(
            {
                "year": year,
                "year_number": number,
                "cit_payable": payable,
                "local_share": local_share,
                "relief_share": share_rate,
                "relief": relief,
                "cit_after_relief": after,
            }
        )
        totals = {
            "local_share": totals["local_share"] + local_share,
            "relief": totals["relief"] + relief,
            "cit_after_relief": totals["cit_after_relief"] + after,
        }
    out.warn(
        "eligibility_assumed",
        "假定企业为区外科技型企业、创新团队或成果持有人来区设立的科技型企业。",
        "Assumes the enterprise was set up in the region by an out-of-region technology enterprise, team or "
        "owner of results.",
    )
    out.cite(cite.RELOCATION_4, cite.GF_2003_26)
    return {
        "first_revenue_year": first,
        "years": schedule,
        "total_local_share": money(totals["local_share"]),
        "total_relief": money(totals["relief"]),
        "total_cit_after_relief": money(totals["cit_after_relief"]),
    }
