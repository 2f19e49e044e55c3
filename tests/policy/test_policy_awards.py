"""one-off-award, clauses (四)(六)(八)(九)(十)(十八)(十九): amounts, citations, second claims."""

from __future__ import annotations

import pytest

from techmarket.policy.inputs import PolicyInputError
from techmarket.policy.registry import CALCULATORS

CALC = CALCULATORS["one-off-award"]


@pytest.mark.parametrize(
    ("kind", "extra", "amount", "clause", "basis"),
    [
        ("first_national_hte", {}, "300000.00", "(四)", "fixed"),
        ("hte_relocation", {}, "300000.00", "(四)", "fixed"),
        ("star_market_listing", {}, "5000000.00", "(六)", "fixed"),
        ("regional_kcb_listing", {}, "200000.00", "(六)", "fixed"),
        ("national_st_award", {"national_award_amount": "200000"}, "1000000.00", "(十九)", "multiple"),
        ("demo_zone_national", {}, "5000000.00", "(十)", "maximum"),
        ("demo_zone_regional", {}, "2000000.00", "(十)", "maximum"),
        ("hitech_zone_national", {}, "20000000.00", "(九)", "maximum"),
        ("hitech_zone_regional", {}, "10000000.00", "(九)", "fixed"),
        (
            "platform_tech_innovation_centre",
            {"approval_year": 2022, "claim_year": 2022},
            "30000000.00",
            "(八)",
            "minimum",
        ),
        ("platform_key_lab", {"approval_year": 2022, "claim_year": 2026}, "10000000.00", "(八)", "minimum"),
        (
            "platform_eng_research_centre",
            {"approval_year": 2022, "claim_year": 2023},
            "10000000.00",
            "(八)",
            "minimum",
        ),
        (
            "platform_manufacturing_centre",
            {"approval_year": 2022, "claim_year": 2024},
            "10000000.00",
            "(八)",
            "minimum",
        ),
        (
            "platform_field_station",
            {"approval_year": 2022, "claim_year": 2025},
            "1000000.00",
            "(八)",
            "minimum",
        ),
        ("academician_candidate", {}, "5000000.00", "(十八)", "fixed"),
        ("industry_leader", {}, "3000000.00", "(十八)", "fixed"),
    ],
)
def test_award_amounts(kind: str, extra: dict, amount: str, clause: str, basis: str) -> None:
    result = CALC.run(
        {"kind": kind, "subject": "91150100MA0N000001", "event": "E-1", "event_date": "2024-03-01", **extra}
    )
    assert result["eligible"] is True
    assert (result["amount"], result["citation"]["clause"], result["basis"]) == (amount, clause, basis)
    assert result["citations"][0]["clause"] == clause
    assert result["rule_sets"][0]["name"] == "one-off-award"


GRANT = {
    "kind": "demo_zone_regional",
    "subject": "Org-A",
    "event": "内科发〔2023〕7号",
    "granted_on": "2023-06-01",
    "amount": "2000000",
    "reference": "拨款 2023-15",
}


@pytest.mark.parametrize(
    ("claim", "refused"),
    [
        (
            {"kind": "demo_zone_regional", "subject": " org-a ", "event": "内科发〔2023〕7号"},
            True,
        ),  # same subject+event
        (
            {"kind": "demo_zone_regional", "subject": "Org-A", "event": "内科发〔2025〕3号"},
            False,
        ),  # a new event
        ({"kind": "demo_zone_regional", "subject": "Org-B", "event": "内科发〔2023〕7号"}, False),
        (
            {"kind": "demo_zone_national", "subject": "Org-A", "event": "内科发〔2023〕7号"},
            False,
        ),  # another award
    ],
)
def test_second_claim_for_subject_and_event(claim: dict, refused: bool) -> None:
    result = CALC.run({**claim, "history": [GRANT]})
    assert result["eligible"] is not refused
    if refused:
        assert result["amount"] == "0.00"
        assert result["previous_grant"]["reference"] == "拨款 2023-15"
        failed = [r for r in result["reasons"] if not r["met"]]
        assert failed[0]["code"] == "already_granted"
        assert "2023-06-01" in failed[0]["en"] and "拨款 2023-15" in failed[0]["zh"]


def test_once_per_subject_awards() -> None:
    history = [{"kind": "hte_relocation", "subject": "A", "event": "GR2022", "granted_on": "2022-12-01"}]
    result = CALC.run({"kind": "first_national_hte", "subject": "A", "event": "GR2025", "history": history})
    assert result["eligible"] is False
    listing = [{"kind": "star_market_listing", "subject": "A", "event": "688001"}]
    assert (
        CALC.run({"kind": "star_market_listing", "subject": "A", "event": "688002", "history": listing})["eligible"]
        is False
    )
    assert CALC.run({"kind": "regional_kcb_listing", "subject": "A", "event": "x", "history": listing})["eligible"]


@pytest.mark.parametrize(
    ("approval", "claim", "index", "eligible"),
    [(2021, 2021, 1, True), (2021, 2025, 5, True), (2021, 2026, 6, False), (2022, 2021, 0, False)],
)
def test_platform_five_years(approval: int, claim: int, index: int, eligible: bool) -> None:
    result = CALC.run(
        {
            "kind": "platform_key_lab",
            "subject": "Lab",
            "event": "批复",
            "approval_year": approval,
            "claim_year": claim,
        }
    )
    assert (result["year_index"], result["eligible"]) == (index, eligible)


def test_platform_yearly_grants() -> None:
    history = [{"kind": "platform_key_lab", "subject": "Lab", "event": "批复", "claim_year": 2023}]
    data = {
        "kind": "platform_key_lab",
        "subject": "Lab",
        "event": "批复",
        "approval_year": 2022,
        "history": history,
    }
    assert CALC.run({**data, "claim_year": 2023})["eligible"] is False
    assert CALC.run({**data, "claim_year": 2024})["eligible"] is True


def test_required_conditionally_and_dates() -> None:
    with pytest.raises(PolicyInputError) as info:
        CALC.run({"kind": "national_st_award", "subject": "A", "event": "x"})
    assert set(info.value.errors) == {"national_award_amount"}
    with pytest.raises(PolicyInputError) as info:
        CALC.run({"kind": "platform_field_station", "subject": "A", "event": "x"})
    assert set(info.value.errors) == {"approval_year", "claim_year"}
    with pytest.raises(PolicyInputError) as info:
        CALC.run({"kind": "industry_leader", "subject": "A", "event": "x", "event_date": "2020-10-11"})
    assert info.value.errors["event_date"]["code"] == "no_rule_in_force"
    with pytest.raises(PolicyInputError) as info:
        CALC.run({"kind": "nobel", "subject": "", "event": "x"})
    assert info.value.errors["kind"]["code"] == "unknown_choice"
    assert info.value.errors["subject"]["code"] == "required"
