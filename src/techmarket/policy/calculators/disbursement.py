"""``disbursement-deadline`` — POLICY.md §2.7, clause (二十二).

Funds reach the project unit within ``working_days`` (30) working days of the transfer notice, counted
after the start date by the official holiday calendar; beyond the calendar's years Monday–Friday is
assumed and the deadline is provisional. With ``disbursed_on`` the result says whether it was late;
without it, whether the deadline has passed as of today. Resolved on ``start_date``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from .. import citations as cite
from ..breakdown import Breakdown
from ..calendar import add_working_days, known_years, working_days_between
from ..defaults import DISBURSEMENT
from ..fields import FieldSpec
from ..ruleset import RuleBook
from .common import resolve

FIELDS = [
    FieldSpec(
        "start_date",
        "date",
        True,
        None,
        label_zh="收到转移支付指标文件日期",
        label_en="date of the transfer notice",
    ),
    FieldSpec(
        "working_days",
        "int",
        False,
        None,
        label_zh="工作日数",
        label_en="working days",
        help_zh="缺省取规则集（30）",
        help_en="defaults to the rule set (30)",
        minimum=1,
        maximum=1000,
    ),
    FieldSpec("disbursed_on", "date", False, None, label_zh="资金下达日期", label_en="date the funds were passed on"),
]


def compute(values: Mapping[str, Any], book: RuleBook, today: datetime.date, out: Breakdown) -> dict[str, Any]:
    start = values["start_date"]
    rule_set = resolve(book, out, DISBURSEMENT, start, "start_date")
    days = values["working_days"] if values["working_days"] is not None else rule_set.integer("working_days")
    deadline, provisional = add_working_days(start, days)
    out.step("下达期限", "deadline", f"{start.isoformat()} + {days} working days (official calendar)", deadline)
    first, last = known_years()
    if provisional:
        out.warn(
            "provisional_calendar",
            f"日历数据仅覆盖 {first}–{last} 年，超出部分按周一至周五计算，期限为暂定。",
            f"The official calendar data covers {first}–{last}; later days are counted Monday–Friday, so the "
            "deadline is provisional.",
        )
    as_of = values["disbursed_on"] or today
    used, used_provisional = working_days_between(start, as_of)
    overdue = as_of > deadline
    out.step(
        "已用工作日",
        "working days used",
        f"working days from {start.isoformat()} to {as_of.isoformat()}",
        used,
    )
    out.cite(cite.DISBURSEMENT_22)
    return {
        "deadline": deadline,
        "provisional": provisional,
        "working_days": days,
        "overdue": overdue,
        "as_of": as_of,
        "disbursed": values["disbursed_on"] is not None,
        "working_days_used": used,
        "working_days_used_provisional": used_provisional,
        "calendar_years": [first, last],
    }
