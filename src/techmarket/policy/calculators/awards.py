"""``one-off-award`` — POLICY.md §2.3: one-off and matching awards.

Clauses (四)(六)(八)(九)(十)(十八)(十九).

Amounts, their basis (fixed / maximum 最高 / minimum 不低于 / multiple of the national award) and the
number of yearly grants live in the ``one-off-award`` rule set. Each award is granted once per subject and
event; an award marked ``once_per_subject`` once per subject (a first high-tech approval, a listing, a
personal grant). With ``history`` a second claim is refused, citing the first grant. The rule set is
resolved on ``event_date`` (default: today).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from .. import citations as cite
from ..breakdown import Breakdown, Citation
from ..defaults import ONE_OFF_AWARD
from ..fields import FieldSpec
from ..inputs import MAX_YEAR, MIN_YEAR, ErrorBag
from ..money import ZERO, dec_str, money
from ..ruleset import RuleBook
from .common import reason, resolve

#: kind -> (label zh, label en, citation, group). Claims of one group by one subject are compared.
CATALOGUE: dict[str, tuple[str, str, Citation, str]] = {
    "first_national_hte": (
        "首次获批国家高新技术企业",
        "first-time national high-tech enterprise",
        cite.HTE_AWARD_4,
        "hte",
    ),
    "hte_relocation": (
        "国家高新技术企业整体迁入",
        "national high-tech enterprise moving in",
        cite.HTE_AWARD_4,
        "hte",
    ),
    "star_market_listing": (
        "上交所科创板上市",
        "listing on the STAR market",
        cite.LISTING_6,
        "star_market_listing",
    ),
    "regional_kcb_listing": (
        "自治区股权交易市场科创板挂牌",
        "regional equity exchange 科创板",
        cite.LISTING_6,
        "regional_kcb_listing",
    ),
    "national_st_award": (
        "国家科学技术奖配套奖励",
        "national S&T award matching",
        cite.NATIONAL_AWARD_19,
        "national_st_award",
    ),
    "demo_zone_national": (
        "国家级科技成果转移转化示范区",
        "national transfer demonstration zone",
        cite.DEMO_ZONE_10,
        "demo_zone_national",
    ),
    "demo_zone_regional": (
        "自治区级科技成果转移转化示范区",
        "regional transfer demonstration zone",
        cite.DEMO_ZONE_10,
        "demo_zone_regional",
    ),
    "hitech_zone_national": (
        "新获批国家级高新区",
        "new national high-tech zone",
        cite.HITECH_ZONE_9,
        "hitech_zone_national",
    ),
    "hitech_zone_regional": (
        "自治区级高新区（前60名、提升5位以上、新获批）",
        "regional high-tech zone (top 60, up 5, new)",
        cite.HITECH_ZONE_9,
        "hitech_zone_regional",
    ),
    "platform_tech_innovation_centre": (
        "国家技术创新中心",
        "national technology innovation centre",
        cite.PLATFORM_8,
        "platform_tech_innovation_centre",
    ),
    "platform_key_lab": ("国家重点实验室", "national key laboratory", cite.PLATFORM_8, "platform_key_lab"),
    "platform_eng_research_centre": (
        "国家工程研究中心",
        "national engineering research centre",
        cite.PLATFORM_8,
        "platform_eng_research_centre",
    ),
    "platform_manufacturing_centre": (
        "国家制造业创新中心",
        "national manufacturing innovation centre",
        cite.PLATFORM_8,
        "platform_manufacturing_centre",
    ),
    "platform_field_station": (
        "国家野外科学观测研究站",
        "national field observation station",
        cite.PLATFORM_8,
        "platform_field_station",
    ),
    "academician_candidate": (
        "院士后备人选",
        "academician candidate",
        cite.TALENT_18,
        "academician_candidate",
    ),
    "industry_leader": ("行业领军人才", "industry leader", cite.TALENT_18, "industry_leader"),
}
LABELS = {kind: (zh, en) for kind, (zh, en, _c, _g) in CATALOGUE.items()}
YEARLY_KINDS = [kind for kind in CATALOGUE if kind.startswith("platform_")]

HISTORY_FIELDS = [
    FieldSpec("kind", "choice", True, None, list(CATALOGUE), "奖励类型", "kind", choice_labels=LABELS),
    FieldSpec("subject", "text", True, None, label_zh="获奖主体", label_en="subject"),
    FieldSpec("event", "text", True, None, label_zh="事项", label_en="event"),
    FieldSpec("granted_on", "date", False, None, label_zh="发放日期", label_en="granted on"),
    FieldSpec("amount", "money", False, None, label_zh="金额", label_en="amount"),
    FieldSpec("reference", "text", False, None, label_zh="文号", label_en="reference"),
    FieldSpec(
        "claim_year",
        "int",
        False,
        None,
        label_zh="所属年度（逐年支持）",
        label_en="year granted for (yearly awards)",
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
    ),
]

FIELDS = [
    FieldSpec("kind", "choice", True, None, list(CATALOGUE), "奖励类型", "kind of award", choice_labels=LABELS),
    FieldSpec(
        "subject",
        "text",
        True,
        None,
        label_zh="申请主体",
        label_en="claimant",
        help_zh="统一社会信用代码或身份标识",
        help_en="unified social credit code or person id",
    ),
    FieldSpec(
        "event",
        "text",
        True,
        None,
        label_zh="事项",
        label_en="event",
        help_zh="如证书编号、批文号",
        help_en="e.g. certificate or approval number",
    ),
    FieldSpec("event_date", "date", False, None, label_zh="获批/上市/获奖日期", label_en="date of the event"),
    FieldSpec(
        "national_award_amount",
        "money",
        False,
        None,
        label_zh="国家奖金额度",
        label_en="national award amount",
        help_zh="国家科学技术奖配套时必填",
        help_en="required for national_st_award",
    ),
    FieldSpec(
        "approval_year",
        "int",
        False,
        None,
        label_zh="平台批准年度",
        label_en="platform approval year",
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
    ),
    FieldSpec(
        "claim_year",
        "int",
        False,
        None,
        label_zh="申请年度",
        label_en="claim year",
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
    ),
    FieldSpec(
        "history",
        "list",
        False,
        None,
        label_zh="已发放记录",
        label_en="previous grants",
        item_fields=HISTORY_FIELDS,
    ),
]


def check(values: Mapping[str, Any], errors: ErrorBag) -> None:
    """Matching awards need the national amount; yearly platform awards need both years."""
    kind = values.get("kind")
    if (
        kind == "national_st_award"
        and not values.get("national_award_amount")
        and "national_award_amount" not in errors
    ):
        errors.add(
            "national_award_amount",
            "required",
            "is required for national_st_award (a positive amount)",
            "国家科学技术奖配套须填写国家奖金额度（大于零）",
        )
    if kind in YEARLY_KINDS:
        for name in ("approval_year", "claim_year"):
            if values.get(name) is None and name not in errors:
                errors.add(name, "required", "is required for platform awards", "平台支持须填写")


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def _previous_grant(values: Mapping[str, Any], once_per_subject: bool, yearly: bool) -> Mapping[str, Any] | None:
    group = CATALOGUE[values["kind"]][3]
    for grant in values["history"] or []:
        if not _same(grant["subject"], values["subject"]) or CATALOGUE[grant["kind"]][3] != group:
            continue
        if not once_per_subject and not _same(grant["event"], values["event"]):
            continue
        if yearly:
            granted_year = grant["claim_year"] or (grant["granted_on"].year if grant["granted_on"] else None)
            if granted_year is not None and granted_year != values["claim_year"]:
                continue
        return grant
    return None


def compute(values: Mapping[str, Any], book: RuleBook, today: datetime.date, out: Breakdown) -> dict[str, Any]:
    kind = values["kind"]
    label_zh, label_en, citation, _group = CATALOGUE[kind]
    on = values["event_date"] or today
    rule_set = resolve(book, out, ONE_OFF_AWARD, on, "event_date" if values["event_date"] else "kind")
    out.cite(citation)
    entry = rule_set.get(f"awards.{kind}", None)
    reasons = []
    if entry is None:
        reasons.append(reason("kind", False, f"规则集未设“{label_zh}”", f"the rule set has no award {label_en}"))
        return {
            "eligible": False,
            "amount": ZERO,
            "kind": kind,
            "basis": None,
            "citation": dict(citation._asdict()),
            "reasons": reasons,
            "previous_grant": None,
        }
    basis = rule_set.get(f"awards.{kind}.basis")
    if basis == "multiple":
        multiple = rule_set.decimal(f"awards.{kind}.multiple")
        nominal = money(values["national_award_amount"] * multiple)
        out.step(
            f"{label_zh}奖励额",
            f"{label_en}: amount",
            f"national award {values['national_award_amount']} × {dec_str(multiple)}",
            nominal,
        )
    else:
        nominal = money(rule_set.decimal(f"awards.{kind}.amount"))
        out.step(f"{label_zh}奖励额", f"{label_en}: amount", f"rule set amount ({basis})", nominal)
    reasons.append(reason("kind", True, f"{label_zh}：{citation.clause}", f"{label_en}: {citation.clause}"))
    years = rule_set.integer(f"awards.{kind}.yearly_for_years")
    year_index = None
    if years > 1:
        year_index = values["claim_year"] - values["approval_year"] + 1
        in_window = 1 <= year_index <= years
        reasons.append(
            reason(
                "year_window",
                in_window,
                f"批准后第 {year_index} 年（连续支持 {years} 年）",
                f"year {year_index} after approval (supported for {years} years)",
            )
        )
    previous = _previous_grant(values, bool(rule_set.get(f"awards.{kind}.once_per_subject")), years > 1)
    if previous is not None:
        when = previous["granted_on"].isoformat() if previous["granted_on"] else "?"
        ref = previous["reference"] or previous["event"]
        reasons.append(
            reason(
                "already_granted",
                False,
                f"已于 {when} 发放（{ref}，{previous['amount'] or '—'} 元），不得重复申请",
                f"already granted on {when} ({ref}, {previous['amount'] or '—'} yuan): a second claim is refused",
            )
        )
    eligible = all(r["met"] for r in reasons)
    if basis == "maximum":
        out.warn(
            "maximum_amount",
            "所示金额为最高额，实际金额由审批部门确定。",
            "The amount shown is the maximum (最高); the approving department decides the actual amount.",
        )
    if basis == "minimum":
        out.warn(
            "minimum_amount",
            "所示金额为每年不低于的数额。",
            "The amount shown is the yearly minimum (不低于).",
        )
    amount = nominal if eligible else ZERO
    out.step("核定金额", "amount granted", "amount if every condition is met, else 0", amount)
    return {
        "eligible": eligible,
        "amount": amount,
        "nominal_amount": nominal,
        "kind": kind,
        "basis": basis,
        "year_index": year_index,
        "citation": {"clause": citation.clause, "text": citation.text},
        "reasons": reasons,
        "previous_grant": dict(previous) if previous is not None else None,
        "subject": values["subject"],
        "event": values["event"],
    }
