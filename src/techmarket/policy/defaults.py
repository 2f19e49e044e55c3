"""The rule sets shipped with the platform: version 1 of every rule set of POLICY.md §2.

The operator edits them in the console; each edit is saved as a new version, so these stay as they are.
Effective dates come from the documents: the 2020 policy is dated 2020-10-12; the Enterprise Income Tax
Law and its implementing regulation apply from 2008-01-01 (财税〔2010〕111号 applies from the same date);
公告2015年第82号 from 2015-10-01.
"""

from __future__ import annotations

import datetime

from .ruleset import NATIONAL, OLDER_REGIONAL, THIS_POLICY, RuleBook, RuleSet

TRANSFER_TAX = "transfer-income-tax"
TRANSFER_SCOPE = "transfer-income-scope"
NONEXCLUSIVE_LICENCE = "transfer-income-nonexclusive-licence"
LOCAL_SHARE = "local-share-relief"
ONE_OFF_AWARD = "one-off-award"
RD_REWARD = "rd-investment-reward"
TRANSACTION_SUBSIDY = "transaction-subsidy"
INDIRECT_COST = "indirect-cost-cap"
DISBURSEMENT = "disbursement-deadline"
SUBSIDY_BUDGET = "subsidy-budget"
BROKER_REWARD = "broker-reward"

POLICY_2020 = datetime.date(2020, 10, 12)
CIT_LAW = datetime.date(2008, 1, 1)

CONTRACT_TYPES = [
    "development_commissioned",
    "development_cooperative",
    "transfer",
    "licence",
    "consulting",
    "service",
]

_MARGINAL_TRANSACTION_BANDS = [
    {"upto": "1000000.00", "rate": "0.10"},
    {"upto": "5000000.00", "rate": "0.05"},
    {"upto": None, "rate": "0.03"},
]


def _award(amount: str, basis: str, clause: str, *, once_per_subject: bool = False, years: int = 1) -> dict:
    return {
        "amount": amount,
        "basis": basis,
        "clause": clause,
        "once_per_subject": once_per_subject,
        "yearly_for_years": years,
    }


_AWARDS = {
    "first_national_hte": _award("300000.00", "fixed", "(四)", once_per_subject=True),
    "hte_relocation": _award("300000.00", "fixed", "(四)", once_per_subject=True),
    "star_market_listing": _award("5000000.00", "fixed", "(六)", once_per_subject=True),
    "regional_kcb_listing": _award("200000.00", "fixed", "(六)", once_per_subject=True),
    "national_st_award": {
        "multiple": "5",
        "basis": "multiple",
        "clause": "(十九)",
        "once_per_subject": False,
        "yearly_for_years": 1,
    },
    "demo_zone_national": _award("5000000.00", "maximum", "(十)"),
    "demo_zone_regional": _award("2000000.00", "maximum", "(十)"),
    "hitech_zone_national": _award("20000000.00", "maximum", "(九)"),
    "hitech_zone_regional": _award("10000000.00", "fixed", "(九)"),
    "platform_tech_innovation_centre": _award("30000000.00", "minimum", "(八)", years=5),
    "platform_key_lab": _award("10000000.00", "minimum", "(八)", years=5),
    "platform_eng_research_centre": _award("10000000.00", "minimum", "(八)", years=5),
    "platform_manufacturing_centre": _award("10000000.00", "minimum", "(八)", years=5),
    "platform_field_station": _award("1000000.00", "minimum", "(八)", years=5),
    "academician_candidate": _award("5000000.00", "fixed", "(十八)", once_per_subject=True),
    "industry_leader": _award("3000000.00", "fixed", "(十八)", once_per_subject=True),
}

DEFAULT_RULE_SETS: tuple[RuleSet, ...] = (
    RuleSet(
        name=TRANSFER_TAX,
        version=1,
        effective_from=CIT_LAW,
        source="企业所得税法 第二十七条第（四）项; 企业所得税法实施条例 第九十条; 国税函〔2010〕157号; 科技兴蒙 (四)",
        precedence=NATIONAL,
        params={
            "exemption_threshold": "5000000.00",
            "statutory_rate": "0.25",
            "reduction_factor": "0.5",
            "default_cit_rate": "0.25",
        },
        title_zh="技术转让所得减免企业所得税",
        title_en="Technology-transfer income: CIT exemption and halving",
        note="The halved part is taxed at statutory_rate × reduction_factor also for a high-tech "
        "enterprise taxed at 15% on its other income (国税函〔2010〕157号).",
    ),
    RuleSet(
        name=TRANSFER_SCOPE,
        version=1,
        effective_from=CIT_LAW,
        source="财税〔2010〕111号; 国税函〔2009〕212号; 公告2013年第62号",
        precedence=NATIONAL,
        params={
            "qualifying_subjects": ["patent", "software", "ic_layout", "plant_variety", "biomedicine"],
            "qualifying_kinds": ["ownership", "exclusive_licence"],
            "min_licence_years": 5,
            "disqualifying_related_holding_pct": "100",
            "registration_required": True,
        },
        title_zh="技术转让范围与条件",
        title_en="Scope of qualifying technology transfers",
        note="Patents are invention, utility model and non-trivial design patents. Applies to tax years from "
        "2008 (财税〔2010〕111号).",
    ),
    RuleSet(
        name=NONEXCLUSIVE_LICENCE,
        version=1,
        effective_from=datetime.date(2015, 10, 1),
        source="国家税务总局公告2015年第82号",
        precedence=NATIONAL,
        params={"min_licence_years": 5},
        title_zh="五年以上非独占许可使用权转让",
        title_en="Non-exclusive licences of five years or more",
        note="Licence income is recognised on the payment-due date; only income recognised from 2015-10-01.",
    ),
    RuleSet(
        name=LOCAL_SHARE,
        version=1,
        effective_from=POLICY_2020,
        source="科技兴蒙 (四); 国发〔2003〕26号 (企业所得税中央与地方 60:40 分享)",
        precedence=THIS_POLICY,
        params={
            "default_local_share_ratio": "0.40",
            "schedule": [
                {"from_year": 1, "to_year": 3, "relief_share": "1"},
                {"from_year": 4, "to_year": 6, "relief_share": "0.5"},
            ],
        },
        title_zh="区外科技型企业来区设立企业所得税地方分享部分减免",
        title_en="Relocated technology enterprises: relief of the local share of CIT",
    ),
    RuleSet(
        name=ONE_OFF_AWARD,
        version=1,
        effective_from=POLICY_2020,
        source="科技兴蒙 (四)(六)(八)(九)(十)(十八)(十九)",
        precedence=THIS_POLICY,
        params={"awards": _AWARDS},
        title_zh="一次性奖励与配套奖励",
        title_en="One-off and matching awards",
        note="basis: fixed = the amount; maximum = 最高 (the approving department decides up to it); "
        "minimum = 不低于 (at least); multiple = multiple × the national award amount.",
    ),
    RuleSet(
        name=RD_REWARD,
        version=1,
        effective_from=POLICY_2020,
        source="科技兴蒙 (三)",
        precedence=THIS_POLICY,
        params={
            "cap": "5000000.00",
            "state_owned_increment_factor": "1.5",
            "min_intensity": "0.01",
            "min_increment": "0.00",
            "bands": [
                {"id": "A", "min_intensity": "0.01", "rate": "0.10", "base": "0.00"},
                {"id": "B", "min_intensity": "0.03", "rate": "0.15", "base": "100000.00"},
                {"id": "C", "min_intensity": "0.05", "rate": "0.20", "base": "200000.00"},
            ],
        },
        title_zh="企业研发投入奖补（示例表）",
        title_en="R&D-investment reward (example table)",
        example=True,
        note="Example bands, to be confirmed: the clause publishes only the 5,000,000 cap and the 150% "
        "count of a state-owned enterprise's increment. A band applies from its min_intensity up to the "
        "next band's; reward = base + rate × increment, capped.",
    ),
    RuleSet(
        name=TRANSACTION_SUBSIDY,
        version=1,
        effective_from=datetime.date(2021, 1, 1),
        source="内科发成字〔2021〕12号; 内财科规〔2018〕11号",
        precedence=OLDER_REGIONAL,
        params={
            "window": {
                "start_month": 11,
                "start_day": 1,
                "start_years_before_claim": 2,
                "end_month": 10,
                "end_day": 31,
                "end_years_before_claim": 1,
            },
            "buyer_contract_types": CONTRACT_TYPES,
            "seller_contract_types": ["transfer", "licence", "development_commissioned"],
            "buyer_requires_payment": True,
            "bands": _MARGINAL_TRANSACTION_BANDS,
            "cap": "2000000.00",
            "agency_rate": "0.01",
            "agency_cap": "2000000.00",
        },
        title_zh="技术交易后补助（示例表）",
        title_en="Technology-transaction post-subsidy (example table)",
        example=True,
        note="Example table as reported for the 2018 rules, to be confirmed by the operator; the same "
        "marginal bands are applied to buyers and sellers; agency_rate is an example. Effective date to be "
        "confirmed.",
    ),
    RuleSet(
        name=INDIRECT_COST,
        version=1,
        effective_from=POLICY_2020,
        source="科技兴蒙 (二十三)",
        precedence=THIS_POLICY,
        params={
            "bands": [
                {"upto": "5000000.00", "rate": "0.30"},
                {"upto": "10000000.00", "rate": "0.25"},
                {"upto": None, "rate": "0.20"},
            ],
            "theoretical_uplift": "0.05",
        },
        title_zh="科研项目间接费用上限",
        title_en="Indirect-cost cap of research projects",
        note="theoretical_uplift is set by the operator: (二十三) allows pure theoretical research a "
        "higher share without a figure; it is added to every slice's rate.",
    ),
    RuleSet(
        name=DISBURSEMENT,
        version=1,
        effective_from=POLICY_2020,
        source="科技兴蒙 (二十二)",
        precedence=THIS_POLICY,
        params={"working_days": 30},
        title_zh="科研资金下达期限",
        title_en="Disbursement deadline of research funds",
    ),
    RuleSet(
        name=SUBSIDY_BUDGET,
        version=1,
        effective_from=datetime.date(2021, 1, 1),
        source="内科发成字〔2021〕12号; 内财科规〔2018〕11号",
        precedence=OLDER_REGIONAL,
        params={
            "budget": "30000000.00",
            "overrun": "pro_rata",
            "city_review": True,
            "publicity_working_days": 5,
        },
        title_zh="技术交易后补助年度预算与评审流程（示例）",
        title_en="Post-subsidy yearly budget and review procedure (example)",
        example=True,
        note="Example budget, to be set by the operator for each claim year: budget (yuan), overrun "
        "(pro_rata or first_come), city_review (whether the 盟市 science bureau reviews after the county "
        "pre-review), publicity_working_days (公示).",
    ),
    RuleSet(
        name=BROKER_REWARD,
        version=1,
        effective_from=POLICY_2020,
        source="科技兴蒙 (十一)",
        precedence=THIS_POLICY,
        params={"rate": "0.015", "cap": "300000.00", "min_contract_amount": "100000.00"},
        title_zh="技术经纪人奖励（示例）",
        title_en="Technology-broker reward (example)",
        example=True,
        note="Example: up to 1.5% of the attributed registered contract amount, as some regions pay; the "
        "broker's share of the deal applies; cap per contract; contracts below min_contract_amount earn none.",
    ),
)


def default_rulebook() -> RuleBook:
    """A rule book holding :data:`DEFAULT_RULE_SETS`."""
    return RuleBook(DEFAULT_RULE_SETS)
