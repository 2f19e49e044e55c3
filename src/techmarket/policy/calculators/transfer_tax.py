"""``transfer-income-tax`` — POLICY.md §2.1: technology-transfer income, CIT exemption and halving.

(四) restates 企业所得税法实施条例 第九十条: per resident enterprise per tax year, the first part of the
year's qualifying technology-transfer gain S (``exemption_threshold``) is exempt and the excess is taxed
at ``statutory_rate × reduction_factor`` (12.5%), also for a high-tech enterprise (国税函〔2010〕157号).

``tax_saved`` is the CIT that S would bear at ``cit_rate`` without the relief minus ``tax_on_gain``
(both quantised to the fen); it is 0 when S <= 0. With ``cit_rate`` at least the reduced rate, more gain
never lowers it. Rule sets are resolved on 31 December of ``tax_year``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from .. import citations as cite
from ..breakdown import Breakdown
from ..defaults import NONEXCLUSIVE_LICENCE, TRANSFER_SCOPE, TRANSFER_TAX
from ..errors import RuleNotInForce
from ..money import ZERO, dec_str, money
from ..ruleset import RuleBook, RuleSet
from .common import resolve, year_end
from .transfer_scope import FIELDS, check, qualification

__all__ = ["FIELDS", "check", "compute"]


def _contract(contract: Mapping[str, Any], reasons: list[dict[str, Any]], out: Breakdown) -> dict[str, Any]:
    cid = contract["id"]
    income = money(contract["technology_receipts"] + contract["bundled_service_receipts"])
    excluded = money(contract["equipment_materials_receipts"] + contract["separate_service_receipts"])
    out.step(
        f"合同 {cid}：技术转让收入",
        f"contract {cid}: technology income",
        f"technology receipts {contract['technology_receipts']} + bundled services "
        f"{contract['bundled_service_receipts']}; excluded: equipment/materials "
        f"{contract['equipment_materials_receipts']}, "
        f"separate services {contract['separate_service_receipts']}",
        income,
    )
    if excluded > 0:
        out.step(
            f"合同 {cid}：不计入的非技术性收入",
            f"contract {cid}: excluded non-technology income",
            "equipment/materials + separately paid services (国税函〔2009〕212号; 公告2013年第62号)",
            excluded,
        )
    if contract["kind"] == "nonexclusive_licence":
        cost, expenses = contract["amortization_for_year"], contract["apportioned_period_expenses"]
        out.step(
            f"合同 {cid}：本年摊销额",
            f"contract {cid}: amortisation for the year",
            "amortisation for the year (公告2015年第82号)",
            cost,
        )
        formula = f"{income} − {cost} − related taxes {contract['related_taxes']} − period expenses {expenses}"
    else:
        cost, expenses = money(contract["tax_basis"] - contract["accumulated_amortization"]), ZERO
        out.step(
            f"合同 {cid}：技术转让成本",
            f"contract {cid}: cost",
            f"tax basis {contract['tax_basis']} − accumulated amortisation {contract['accumulated_amortization']}",
            cost,
        )
        formula = f"{income} − {cost} − related taxes {contract['related_taxes']}"
        if contract["apportioned_period_expenses"] > 0:
            out.warn(
                "period_expenses_ignored",
                "所有权转让和独占许可不扣除分摊期间费用（国税函〔2009〕212号）。",
                "Apportioned period expenses are not deducted for ownership transfers and exclusive "
                "licences (国税函〔2009〕212号).",
            )
    gain = money(income - cost - contract["related_taxes"] - expenses)
    qualifies = all(r["met"] for r in reasons)
    out.step(
        f"合同 {cid}：技术转让所得（{'符合' if qualifies else '不符合'}条件）",
        f"contract {cid}: gain ({'qualifies' if qualifies else 'does not qualify'})",
        formula,
        gain,
    )
    return {
        "id": cid,
        "kind": contract["kind"],
        "subject": contract["subject"],
        "qualifies": qualifies,
        "reasons": reasons,
        "technology_income": income,
        "excluded_income": excluded,
        "cost": cost,
        "related_taxes": contract["related_taxes"],
        "period_expenses": expenses,
        "gain": gain,
    }


def compute(values: Mapping[str, Any], book: RuleBook, today: datetime.date, out: Breakdown) -> dict[str, Any]:
    year = values["tax_year"]
    on = year_end(year)
    out.cite(
        cite.TRANSFER_TAX_4,
        cite.CIT_LAW_27,
        cite.CIT_REG_90,
        cite.CS_2010_111,
        cite.GSH_2009_212,
        cite.GG_2013_62,
        cite.GSH_2010_157,
        cite.PRECEDENCE,
    )
    tax = resolve(book, out, TRANSFER_TAX, on, "tax_year")
    scope = resolve(book, out, TRANSFER_SCOPE, on, "tax_year")
    contracts = values["contracts"]
    nonexclusive: RuleSet | None = None
    nonexclusive_from = on
    if any(c["kind"] == "nonexclusive_licence" for c in contracts):
        out.cite(cite.GG_2015_82)
        try:
            nonexclusive = out.use(book.resolve(NONEXCLUSIVE_LICENCE, on))
            if nonexclusive.effective_from.year == year and nonexclusive.effective_from > datetime.date(year, 1, 1):
                out.warn(
                    "nonexclusive_partial_year",
                    f"{year} 年仅 {nonexclusive.effective_from.isoformat()} 及以后确认的非独占许可收入"
                    "可享受，请仅填入该部分收入。",
                    f"In {year} only non-exclusive licence income recognised on or after "
                    f"{nonexclusive.effective_from.isoformat()} qualifies; enter only that income.",
                )
        except RuleNotInForce as exc:
            nonexclusive_from = exc.earliest
    results = [_contract(c, qualification(c, scope, nonexclusive, nonexclusive_from), out) for c in contracts]

    threshold, statutory = tax.decimal("exemption_threshold"), tax.decimal("statutory_rate")
    factor = tax.decimal("reduction_factor")
    cit_rate = values["cit_rate"] if values["cit_rate"] is not None else tax.decimal("default_cit_rate")
    total = money(sum((r["gain"] for r in results if r["qualifies"]), ZERO))
    out.step(
        "年度符合条件的技术转让所得合计 S",
        "qualifying gain of the year S",
        "sum of qualifying contracts' gains",
        total,
    )
    if total > 0:
        exempt = money(min(total, threshold))
        halved = money(total - exempt)
    else:
        exempt = halved = ZERO
        out.warn(
            "no_positive_gain",
            "年度技术转让所得合计不为正，不享受减免；亏损并入一般应纳税所得。",
            "The year's qualifying gain is not positive: no relief; a loss is part of ordinary taxable income.",
        )
    reduced_rate = statutory * factor
    tax_on_gain = money(halved * reduced_rate)
    reduction = money(exempt + halved * factor)
    tax_saved = money(money(total * cit_rate) - tax_on_gain) if total > 0 else ZERO
    out.step("免征部分", "exempt part", f"min(S, {dec_str(threshold)})", exempt)
    out.step("减半征收部分", "halved part", "S − exempt part", halved)
    out.step(
        "技术转让所得应纳税额",
        "tax on the gain",
        f"halved part × {dec_str(statutory)} × {dec_str(factor)} (国税函〔2010〕157号)",
        tax_on_gain,
    )
    out.step("应纳税所得额减少", "taxable-income reduction", f"exempt + halved × {dec_str(factor)}", reduction)
    out.step("节税额", "tax saved", f"S × cit_rate {dec_str(cit_rate)} − tax on the gain", tax_saved)
    if tax_saved < 0:
        out.warn(
            "relief_not_beneficial",
            "按所给税率，享受本项减免反而多缴税款，企业可选择不享受。",
            "At the given CIT rate the relief costs more than it saves; the enterprise may choose not to claim it.",
        )
    result: dict[str, Any] = {
        "tax_year": year,
        "contracts": results,
        "total_gain": total,
        "exempt": exempt,
        "halved": halved,
        "reduced_rate": reduced_rate,
        "cit_rate": cit_rate,
        "taxable_income_reduction": reduction,
        "tax_on_gain": tax_on_gain,
        "tax_saved": tax_saved,
    }
    if values["other_taxable_income"] is not None:
        rate = values["other_income_rate"] if values["other_income_rate"] is not None else cit_rate
        other_tax = money(values["other_taxable_income"] * rate)
        out.step(
            "其他所得应纳税额",
            "tax on other income",
            f"{values['other_taxable_income']} × {dec_str(rate)}",
            other_tax,
        )
        result["total_cit"] = money(other_tax + tax_on_gain)
        out.step("应纳企业所得税合计", "total CIT", "tax on other income + tax on the gain", result["total_cit"])
        if any(not r["qualifies"] for r in results):
            out.warn(
                "nonqualifying_income",
                "不符合条件合同的所得应计入其他应纳税所得额。",
                "Gains of contracts that do not qualify belong in other taxable income.",
            )
    if (
        values["other_income_rate"] is not None
        and values["cit_rate"] is None
        and values["other_income_rate"] != cit_rate
    ):
        out.warn(
            "tax_saved_rate",
            f"节税额按税率 {dec_str(cit_rate)} 计算；如需按企业适用税率计算，请填写 cit_rate。",
            f"tax_saved is measured at {dec_str(cit_rate)}; give cit_rate to measure it at the enterprise's own rate.",
        )
    out.warn(
        "technology_income_estimated",
        "技术转让收入以平台登记的技术交易额估算；成本、税费和费用由企业提供。",
        "Technology income is estimated from the technical transaction amount registered on the platform; "
        "the enterprise supplies cost, taxes and expenses.",
    )
    return result
