"""Input fields and qualification rules of ``transfer-income-tax`` (POLICY.md §2.1).

A contract qualifies when its subject is in the scope rule set's ``qualifying_subjects`` (财税〔2010〕111号),
its kind is an ownership transfer or a licence of at least ``min_licence_years`` (exclusive: 111号;
non-exclusive: 公告2015年第82号, from 2015-10-01 only), the seller does not hold the buyer at
``disqualifying_related_holding_pct`` (100%), and it is registered (认定登记).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..fields import FieldSpec
from ..inputs import MAX_YEAR, MIN_YEAR, ErrorBag
from ..money import ZERO, dec_str
from ..ruleset import RuleSet
from .common import reason, string_list

KINDS = {
    "ownership": ("所有权转让", "transfer of ownership"),
    "exclusive_licence": ("独占许可", "exclusive licence"),
    "nonexclusive_licence": ("非独占许可", "non-exclusive licence"),
}
SUBJECTS = {
    "patent": ("专利（发明、实用新型、非简单改变产品图案的外观设计）", "patent"),
    "software": ("计算机软件著作权", "software copyright"),
    "ic_layout": ("集成电路布图设计权", "integrated-circuit layout design"),
    "plant_variety": ("植物新品种", "plant variety"),
    "biomedicine": ("生物医药新品种", "biomedicine variety"),
    "know_how": ("技术秘密", "know-how"),
    "patent_application": ("专利申请权", "patent-application right"),
}
_MONEY_FIELDS = [
    (
        "technology_receipts",
        "技术转让收入（技术交易额）",
        "technology receipts (technical transaction amount)",
    ),
    (
        "equipment_materials_receipts",
        "设备、仪器、零部件、原材料收入",
        "equipment, parts and materials receipts",
    ),
    (
        "bundled_service_receipts",
        "随技术转让一并收取的技术服务收入",
        "services written into the contract, paid with the price",
    ),
    (
        "separate_service_receipts",
        "单独收取的咨询、服务、培训收入",
        "separately paid consulting/service/training",
    ),
    ("tax_basis", "无形资产计税基础", "tax basis of the intangible"),
    ("accumulated_amortization", "已摊销额", "accumulated amortisation"),
    (
        "amortization_for_year",
        "本年摊销额（非独占许可）",
        "amortisation for the year (non-exclusive licence)",
    ),
    ("related_taxes", "相关税费", "related taxes and signing costs"),
    (
        "apportioned_period_expenses",
        "应分摊期间费用（非独占许可）",
        "apportioned period expenses (non-exclusive)",
    ),
]

CONTRACT_FIELDS = [
    FieldSpec("id", "text", True, None, label_zh="合同编号", label_en="contract id"),
    FieldSpec("kind", "choice", True, None, list(KINDS), "转让方式", "kind of transfer", choice_labels=KINDS),
    FieldSpec("subject", "choice", True, None, list(SUBJECTS), "转让标的", "subject", choice_labels=SUBJECTS),
    FieldSpec(
        "licence_years",
        "int",
        False,
        0,
        label_zh="许可年限",
        label_en="licence term in years",
        minimum=0,
        maximum=200,
    ),
    FieldSpec(
        "related_party_holding_pct",
        "decimal",
        False,
        Decimal(0),
        label_zh="对受让方持股比例（%）",
        label_en="seller's holding in the buyer, %",
        help_zh="直接和间接持股之和",
        help_en="direct and indirect together",
        minimum=0,
        maximum=100,
    ),
    FieldSpec("registered", "bool", True, None, label_zh="已认定登记", label_en="registered (认定登记)"),
    *[FieldSpec(name, "money", False, ZERO, label_zh=zh, label_en=en) for name, zh, en in _MONEY_FIELDS],
]

FIELDS = [
    FieldSpec(
        "tax_year",
        "int",
        True,
        None,
        label_zh="纳税年度",
        label_en="tax year",
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
    ),
    FieldSpec(
        "cit_rate",
        "rate",
        False,
        None,
        label_zh="企业所得税税率",
        label_en="CIT rate",
        help_zh="缺省取规则集 default_cit_rate",
        help_en="defaults to the rule set's default_cit_rate",
    ),
    FieldSpec(
        "other_taxable_income",
        "money",
        False,
        None,
        label_zh="其他应纳税所得额",
        label_en="other taxable income",
    ),
    FieldSpec(
        "other_income_rate",
        "rate",
        False,
        None,
        label_zh="其他所得适用税率",
        label_en="rate on other income",
        help_zh="如高新技术企业 0.15",
        help_en="e.g. 0.15 for a high-tech enterprise",
    ),
    FieldSpec(
        "contracts",
        "list",
        True,
        None,
        label_zh="技术转让合同",
        label_en="transfer contracts",
        item_fields=CONTRACT_FIELDS,
    ),
]


def check(values: Mapping[str, Any], errors: ErrorBag) -> None:
    """Contract ids are unique; amortisation never exceeds the tax basis."""
    seen: set[str] = set()
    for index, contract in enumerate(values.get("contracts") or []):
        if contract.get("id") is not None and contract.get("id") in seen:
            errors.add(f"contracts[{index}].id", "duplicate", "contract id given twice", "合同编号重复")
        seen.add(contract.get("id"))
        basis, amortised = contract.get("tax_basis"), contract.get("accumulated_amortization")
        if basis is not None and amortised is not None and amortised > basis:
            errors.add(
                f"contracts[{index}].accumulated_amortization",
                "inconsistent",
                "accumulated amortisation exceeds the tax basis",
                "已摊销额超过计税基础",
            )


def qualification(
    contract: Mapping[str, Any],
    scope: RuleSet,
    nonexclusive: RuleSet | None,
    nonexclusive_from: datetime.date,
) -> list[dict[str, Any]]:
    kind, subject = contract["kind"], contract["subject"]
    subjects = string_list(scope, "qualifying_subjects")
    reasons = [
        reason(
            "subject",
            subject in subjects,
            f"标的：{SUBJECTS[subject][0]}" + ("" if subject in subjects else "，不属于技术转让范围"),
            f"subject: {SUBJECTS[subject][1]}" + ("" if subject in subjects else ", not a qualifying subject"),
        ),
    ]
    years = contract["licence_years"]
    if kind == "ownership" and kind in string_list(scope, "qualifying_kinds"):
        reasons.append(reason("kind", True, "转让所有权", "transfer of ownership"))
    elif kind == "nonexclusive_licence" and nonexclusive is None:
        since = nonexclusive_from.isoformat()
        reasons.append(
            reason(
                "kind",
                False,
                f"非独占许可自 {since} 起方可享受（公告2015年第82号）",
                f"non-exclusive licences qualify only from {since} (公告2015年第82号)",
            )
        )
    elif kind == "nonexclusive_licence" or kind in string_list(scope, "qualifying_kinds"):
        minimum = (nonexclusive or scope).integer("min_licence_years")
        ok = years >= minimum
        reasons.append(
            reason(
                "licence_years",
                ok,
                f"{KINDS[kind][0]} {years} 年（须不少于 {minimum} 年）",
                f"{KINDS[kind][1]} for {years} years (at least {minimum} required)",
            )
        )
    else:
        reasons.append(
            reason(
                "kind",
                False,
                f"{KINDS[kind][0]}不属于规则集所列转让方式",
                f"{KINDS[kind][1]} does not qualify",
            )
        )
    limit = scope.decimal("disqualifying_related_holding_pct")
    related = contract["related_party_holding_pct"] >= limit
    reasons.append(
        reason(
            "related_party",
            not related,
            f"对受让方持股 {dec_str(contract['related_party_holding_pct'])}%"
            + ("，达到 100% 关联方，不享受" if related else ""),
            f"holding in the buyer {dec_str(contract['related_party_holding_pct'])}%"
            + (f": a related party held at {dec_str(limit)}% does not qualify" if related else ""),
        )
    )
    if scope.get("registration_required"):
        reasons.append(
            reason(
                "registered",
                contract["registered"],
                "已认定登记" if contract["registered"] else "未认定登记",
                "registered" if contract["registered"] else "not registered (认定登记 required)",
            )
        )
    return reasons
