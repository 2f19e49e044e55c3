"""The calculators by their CLI/API names, and rule-set validation for the operator's console."""

from __future__ import annotations

from collections.abc import Callable

from . import defaults as d
from .calculator import Calculator
from .calculators import (
    awards,
    broker_reward,
    disbursement,
    indirect_cost,
    local_share,
    rd_reward,
    subsidy,
    subsidy_budget,
    transfer_tax,
)
from .calculators.common import parse_bands, string_list
from .errors import PolicyError
from .fields import FieldSpec
from .ruleset import RuleSet

__all__ = ["CALCULATORS", "Calculator", "FieldSpec", "get_calculator", "validate_rule_set"]

CALCULATORS: dict[str, Calculator] = {
    calc.name: calc
    for calc in (
        Calculator(
            "transfer-income-tax",
            "技术转让所得减免企业所得税",
            "Technology-transfer income tax exemption",
            "(四)",
            transfer_tax.FIELDS,
            transfer_tax.compute,
            transfer_tax.check,
            (d.TRANSFER_TAX, d.TRANSFER_SCOPE, d.NONEXCLUSIVE_LICENCE),
        ),
        Calculator(
            "local-share-relief",
            "区外科技型企业地方分享部分减免",
            "Relocated-enterprise local-share relief",
            "(四)",
            local_share.FIELDS,
            local_share.compute,
            local_share.check,
            (d.LOCAL_SHARE,),
        ),
        Calculator(
            "one-off-award",
            "一次性奖励与配套奖励",
            "One-off and matching awards",
            "(四)(六)(八)(九)(十)(十八)(十九)",
            awards.FIELDS,
            awards.compute,
            awards.check,
            (d.ONE_OFF_AWARD,),
        ),
        Calculator(
            "rd-investment-reward",
            "企业研发投入奖补",
            "R&D-investment reward",
            "(三)",
            rd_reward.FIELDS,
            rd_reward.compute,
            None,
            (d.RD_REWARD,),
        ),
        Calculator(
            "transaction-subsidy",
            "技术交易后补助",
            "Technology-transaction post-subsidy",
            "内科发成字〔2021〕12号",
            subsidy.FIELDS,
            subsidy.compute,
            None,
            (d.TRANSACTION_SUBSIDY,),
        ),
        Calculator(
            "indirect-cost-cap",
            "科研项目间接费用上限",
            "Indirect-cost cap of a research project",
            "(二十三)",
            indirect_cost.FIELDS,
            indirect_cost.compute,
            indirect_cost.check,
            (d.INDIRECT_COST,),
        ),
        Calculator(
            "disbursement-deadline",
            "科研资金下达期限",
            "Disbursement deadline",
            "(二十二)",
            disbursement.FIELDS,
            disbursement.compute,
            None,
            (d.DISBURSEMENT,),
        ),
        Calculator(
            "subsidy-budget",
            "技术交易后补助年度预算核减",
            "Post-subsidy yearly budget and pro-rata reduction",
            "内财科规〔2018〕11号",
            subsidy_budget.FIELDS,
            subsidy_budget.compute,
            None,
            (d.SUBSIDY_BUDGET,),
        ),
        Calculator(
            "broker-reward",
            "技术经纪人奖励",
            "Technology-broker reward",
            "(十一)",
            broker_reward.FIELDS,
            broker_reward.compute,
            None,
            (d.BROKER_REWARD,),
        ),
    )
}


def get_calculator(name: str) -> Calculator:
    """The calculator called ``name``; :class:`KeyError` names the known ones."""
    try:
        return CALCULATORS[name]
    except KeyError:
        raise KeyError(f"unknown calculator {name!r}; known: {', '.join(CALCULATORS)}") from None


def _check_decimals(rule_set: RuleSet, *keys: str) -> None:
    for key in keys:
        rule_set.decimal(key)


def _check_transfer_tax(rs: RuleSet) -> None:
    _check_decimals(rs, "exemption_threshold", "statutory_rate", "reduction_factor", "default_cit_rate")


def _check_scope(rs: RuleSet) -> None:
    string_list(rs, "qualifying_subjects")
    string_list(rs, "qualifying_kinds")
    rs.integer("min_licence_years")
    _check_decimals(rs, "disqualifying_related_holding_pct")


def _check_nonexclusive(rs: RuleSet) -> None:
    rs.integer("min_licence_years")


def _check_local_share(rs: RuleSet) -> None:
    _check_decimals(rs, "default_local_share_ratio")
    for index in range(len(rs.get("schedule"))):
        rs.integer(f"schedule.{index}.from_year")
        rs.integer(f"schedule.{index}.to_year")
        rs.decimal(f"schedule.{index}.relief_share")


def _check_awards(rs: RuleSet) -> None:
    for kind in rs.get("awards"):
        if kind not in awards.CATALOGUE:
            raise PolicyError(f"rule set {rs.name!r}: unknown award kind {kind!r}")
        basis = rs.get(f"awards.{kind}.basis")
        if basis not in ("fixed", "maximum", "minimum", "multiple"):
            raise PolicyError(f"rule set {rs.name!r}: award {kind!r} has an unknown basis {basis!r}")
        rs.decimal(f"awards.{kind}.multiple" if basis == "multiple" else f"awards.{kind}.amount")
        if rs.integer(f"awards.{kind}.yearly_for_years") < 1:
            raise PolicyError(f"rule set {rs.name!r}: award {kind!r} needs yearly_for_years >= 1")


def _check_rd(rs: RuleSet) -> None:
    _check_decimals(rs, "cap", "state_owned_increment_factor", "min_intensity", "min_increment")
    rd_reward.bands(rs)


def _check_subsidy(rs: RuleSet) -> None:
    subsidy.window(rs, rs.effective_from.year)
    string_list(rs, "buyer_contract_types")
    string_list(rs, "seller_contract_types")
    parse_bands(rs)
    _check_decimals(rs, "cap", "agency_rate", "agency_cap")


def _check_indirect(rs: RuleSet) -> None:
    parse_bands(rs)
    _check_decimals(rs, "theoretical_uplift")


def _check_disbursement(rs: RuleSet) -> None:
    if rs.integer("working_days") < 1:
        raise PolicyError(f"rule set {rs.name!r}: working_days must be at least 1")


_VALIDATORS: dict[str, Callable[[RuleSet], None]] = {
    d.TRANSFER_TAX: _check_transfer_tax,
    d.TRANSFER_SCOPE: _check_scope,
    d.NONEXCLUSIVE_LICENCE: _check_nonexclusive,
    d.LOCAL_SHARE: _check_local_share,
    d.ONE_OFF_AWARD: _check_awards,
    d.RD_REWARD: _check_rd,
    d.TRANSACTION_SUBSIDY: _check_subsidy,
    d.INDIRECT_COST: _check_indirect,
    d.DISBURSEMENT: _check_disbursement,
    d.SUBSIDY_BUDGET: subsidy_budget.check_rule_set,
    d.BROKER_REWARD: broker_reward.check_rule_set,
}


def validate_rule_set(rule_set: RuleSet) -> None:
    """Check that a rule set (e.g. an operator's edit before saving) has the parameters its calculator
    reads, in the right shape; raise :class:`PolicyError` naming the parameter otherwise."""
    validator = _VALIDATORS.get(rule_set.name)
    if validator is None:
        raise PolicyError(f"unknown rule set {rule_set.name!r}; known: {', '.join(sorted(_VALIDATORS))}")
    try:
        validator(rule_set)
    except (TypeError, ValueError, AttributeError) as exc:
        raise PolicyError(f"rule set {rule_set.name!r} v{rule_set.version} is malformed: {exc}") from exc
