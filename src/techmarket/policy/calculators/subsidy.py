"""``transaction-subsidy`` — POLICY.md §2.5: technology-transaction post-subsidy (内科发成字〔2021〕12号).

Buyers (any contract type, paid) and sellers (types in ``seller_contract_types``) get marginal bands on
the technical transaction amount, capped; a recognised agency gets ``agency_rate`` of the attributed
registered amount, capped at ``agency_cap``. A first claim needs a registered contract whose registration
(or transaction) date lies in the window: ``start_month/start_day`` of claim_year − 2 to
``end_month/end_day`` of claim_year − 1 (1 Nov to 31 Oct in version 1). The shipped table is an example.
Resolved on 31 December of ``claim_year``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from .. import citations as cite
from ..breakdown import Breakdown
from ..defaults import CONTRACT_TYPES, TRANSACTION_SUBSIDY
from ..fields import FieldSpec
from ..inputs import MAX_YEAR, MIN_YEAR
from ..money import ZERO, money
from ..ruleset import RuleBook, RuleSet
from .common import describe_slices, marginal_slices, parse_bands, reason, resolve, string_list, year_end

ROLES = {
    "buyer": ("买方", "buyer"),
    "seller": ("卖方", "seller"),
    "agency": ("技术转移机构", "technology-transfer agency"),
}
CONTRACT_TYPE_LABELS = {
    "development_commissioned": ("技术开发（委托）", "commissioned development"),
    "development_cooperative": ("技术开发（合作）", "cooperative development"),
    "transfer": ("技术转让", "technology transfer"),
    "licence": ("技术许可", "technology licence"),
    "consulting": ("技术咨询", "technical consulting"),
    "service": ("技术服务", "technical service"),
}

FIELDS = [
    FieldSpec("role", "choice", True, None, list(ROLES), "申请人角色", "claimant role", choice_labels=ROLES),
    FieldSpec(
        "technical_transaction_amount",
        "money",
        True,
        None,
        label_zh="技术交易额（实际）",
        label_en="technical transaction amount",
        help_zh="技术转移机构填所促成的登记合同金额",
        help_en="for an agency: the attributed registered contract amount",
    ),
    FieldSpec(
        "contract_type",
        "choice",
        True,
        None,
        CONTRACT_TYPES,
        "合同类型",
        "contract type",
        choice_labels=CONTRACT_TYPE_LABELS,
    ),
    FieldSpec("registered", "bool", True, None, label_zh="已认定登记", label_en="registered (认定登记)"),
    FieldSpec("registration_date", "date", True, None, label_zh="登记日期", label_en="registration date"),
    FieldSpec(
        "transaction_date",
        "date",
        False,
        None,
        label_zh="交易日期",
        label_en="transaction date",
        help_zh="登记或交易日期任一在申报期内即可",
        help_en="either date inside the window suffices",
    ),
    FieldSpec(
        "claim_year",
        "int",
        False,
        None,
        label_zh="申报年度",
        label_en="claim year",
        help_zh="缺省为当年",
        help_en="defaults to the current year",
        minimum=MIN_YEAR,
        maximum=MAX_YEAR,
    ),
    FieldSpec("paid", "bool", False, False, label_zh="已支付（买方）", label_en="paid (buyer)"),
    FieldSpec(
        "claimant_in_region",
        "bool",
        False,
        True,
        label_zh="区内注册并纳税",
        label_en="registered and tax-resident in the region",
    ),
    FieldSpec(
        "recognised_agency",
        "bool",
        False,
        None,
        label_zh="认定的技术转移机构",
        label_en="recognised agency",
        help_zh="技术转移机构申请时填写",
        help_en="for role agency",
    ),
]


def window(rule_set: RuleSet, claim_year: int) -> tuple[datetime.date, datetime.date]:
    """The registration window of a claim year."""
    start = datetime.date(
        claim_year - rule_set.integer("window.start_years_before_claim"),
        rule_set.integer("window.start_month"),
        rule_set.integer("window.start_day"),
    )
    end = datetime.date(
        claim_year - rule_set.integer("window.end_years_before_claim"),
        rule_set.integer("window.end_month"),
        rule_set.integer("window.end_day"),
    )
    return start, end


def _reasons(
    values: Mapping[str, Any], rule_set: RuleSet, start: datetime.date, end: datetime.date, out: Breakdown
) -> list[dict[str, Any]]:
    role, ctype = values["role"], values["contract_type"]
    label = CONTRACT_TYPE_LABELS[ctype]
    reasons = [
        reason(
            "in_region",
            values["claimant_in_region"],
            "区内注册并纳税" if values["claimant_in_region"] else "非区内注册纳税",
            "registered and tax-resident in the region"
            if values["claimant_in_region"]
            else "not resident in the region",
        ),
        reason(
            "registered",
            values["registered"],
            "合同已认定登记" if values["registered"] else "合同未认定登记",
            "contract registered" if values["registered"] else "contract not registered",
        ),
    ]
    dates = [d for d in (values["registration_date"], values["transaction_date"]) if d is not None]
    in_window = any(start <= d <= end for d in dates)
    reasons.append(
        reason(
            "window",
            in_window,
            f"登记/交易日期须在 {start.isoformat()} 至 {end.isoformat()} 之间",
            f"registration or transaction date must lie between {start.isoformat()} and {end.isoformat()}",
        )
    )
    if role == "buyer":
        allowed = string_list(rule_set, "buyer_contract_types")
        reasons.append(
            reason(
                "contract_type",
                ctype in allowed,
                f"买方合同类型：{label[0]}",
                f"buyer contract type: {label[1]}",
            )
        )
        if rule_set.get("buyer_requires_payment"):
            reasons.append(
                reason(
                    "paid",
                    values["paid"],
                    "已支付" if values["paid"] else "买方尚未支付",
                    "paid" if values["paid"] else "the buyer has not paid",
                )
            )
    elif role == "seller":
        allowed = string_list(rule_set, "seller_contract_types")
        reasons.append(
            reason(
                "contract_type",
                ctype in allowed,
                f"卖方合同类型：{label[0]}" + ("" if ctype in allowed else "（仅限技术转让、许可、委托开发）"),
                f"seller contract type: {label[1]}"
                + ("" if ctype in allowed else " (transfer, licence or commissioned development only)"),
            )
        )
    else:
        recognised = values["recognised_agency"]
        if recognised is None:
            out.warn(
                "agency_assumed_recognised",
                "假定申请人为认定的技术转移机构。",
                "Assumes the claimant is a recognised technology-transfer agency.",
            )
        reasons.append(reason("recognised_agency", recognised is not False, "认定的技术转移机构", "recognised agency"))
    return reasons


def compute(values: Mapping[str, Any], book: RuleBook, today: datetime.date, out: Breakdown) -> dict[str, Any]:
    claim_year = values["claim_year"] or today.year
    rule_set = resolve(book, out, TRANSACTION_SUBSIDY, year_end(claim_year), "claim_year")
    start, end = window(rule_set, claim_year)
    reasons = _reasons(values, rule_set, start, end, out)
    eligible = all(r["met"] for r in reasons)
    amount = values["technical_transaction_amount"]
    if values["role"] == "agency":
        rate = rule_set.decimal("agency_rate")
        slices = [{"from": ZERO, "to": None, "base": amount, "rate": rate, "amount": money(amount * rate)}]
        cap = money(rule_set.decimal("agency_cap"))
        uncapped = describe_slices(out, slices, "机构奖励", "agency reward")
    else:
        slices = marginal_slices(amount, parse_bands(rule_set))
        cap = money(rule_set.decimal("cap"))
        uncapped = describe_slices(out, slices, "分段补助", "marginal band")
    capped = min(uncapped, cap)
    out.step("补助额（封顶）", "subsidy (capped)", f"min({uncapped}, cap {cap})", capped)
    subsidy = capped if eligible else ZERO
    out.step("核定补助额", "subsidy granted", "capped amount if every condition is met, else 0", subsidy)
    if values["role"] == "seller":
        out.warn(
            "seller_table_assumed",
            "卖方补助按与买方相同的分段表计算，待运营方确认。",
            "The seller's subsidy uses the buyer's marginal table; to be confirmed by the operator.",
        )
    out.cite(cite.TRANSACTION_SUBSIDY)
    return {
        "eligible": eligible,
        "subsidy": subsidy,
        "uncapped_subsidy": uncapped,
        "cap": cap,
        "slices": slices,
        "reasons": reasons,
        "claim_year": claim_year,
        "window": {"start": start, "end": end},
    }
