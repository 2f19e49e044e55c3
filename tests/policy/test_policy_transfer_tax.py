"""transfer-income-tax: expected figures computed by hand from 实施条例第九十条 and the national notices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techmarket.policy.registry import CALCULATORS

CALC = CALCULATORS["transfer-income-tax"]


def contract(**overrides: Any) -> dict[str, Any]:
    base = {"id": "C1", "kind": "ownership", "subject": "patent", "registered": True}
    base.update(overrides)
    return base


def run(contracts: list[dict[str, Any]], **top: Any) -> dict[str, Any]:
    return CALC.run({"tax_year": 2024, "contracts": contracts, **top})


# (contracts, extra input, expected: total_gain, exempt, halved, tax_on_gain,
#  taxable_income_reduction, tax_saved)
CASES = [
    pytest.param(  # 3,000,000 − (1,000,000 − 200,000) − 50,000 = 2,150,000: all exempt; saved 25%
        [
            contract(
                technology_receipts="3000000",
                tax_basis="1000000",
                accumulated_amortization="200000",
                related_taxes="50000",
            )
        ],
        {},
        ("2150000.00", "2150000.00", "0.00", "0.00", "2150000.00", "537500.00"),
        id="below-threshold",
    ),
    pytest.param(  # S = 8,000,000: 5,000,000 exempt, 3,000,000 at 12.5% = 375,000; saved 2,000,000 − 375,000
        [contract(technology_receipts="8000000")],
        {},
        ("8000000.00", "5000000.00", "3000000.00", "375000.00", "6500000.00", "1625000.00"),
        id="above-threshold",
    ),
    pytest.param(  # exactly at the threshold
        [contract(technology_receipts="5000000")],
        {},
        ("5000000.00", "5000000.00", "0.00", "0.00", "5000000.00", "1250000.00"),
        id="at-threshold",
    ),
    pytest.param(  # high-tech enterprise measured at 15%: 12.5% still applies to the halved part (157号)
        [contract(technology_receipts="10000000")],
        {"cit_rate": "0.15"},
        ("10000000.00", "5000000.00", "5000000.00", "625000.00", "7500000.00", "875000.00"),
        id="hte-15pct",
    ),
    pytest.param(  # two contracts add up; 4,000,000 + 3,000,000 = 7,000,000
        [
            contract(technology_receipts="4000000"),
            contract(
                id="C2",
                kind="exclusive_licence",
                licence_years=5,
                subject="software",
                technology_receipts="3000000",
            ),
        ],
        {},
        ("7000000.00", "5000000.00", "2000000.00", "250000.00", "6000000.00", "1500000.00"),
        id="two-contracts",
    ),
    pytest.param(  # a qualifying loss offsets: (100,000 − 500,000) + 100,000 = −300,000: no relief
        [
            contract(technology_receipts="100000", tax_basis="500000"),
            contract(id="C2", technology_receipts="100000"),
        ],
        {},
        ("-300000.00", "0.00", "0.00", "0.00", "0.00", "0.00"),
        id="negative-S",
    ),
    pytest.param(  # non-exclusive 5-year licence from 2015-10-01: 1,000,000 − 100,000 − 10,000 − 90,000
        [
            contract(
                kind="nonexclusive_licence",
                licence_years=5,
                technology_receipts="1000000",
                amortization_for_year="100000",
                related_taxes="10000",
                apportioned_period_expenses="90000",
            )
        ],
        {},
        ("800000.00", "800000.00", "0.00", "0.00", "800000.00", "200000.00"),
        id="nonexclusive",
    ),
    pytest.param(  # equipment and separately paid services excluded; bundled services included
        [
            contract(
                technology_receipts="1000000",
                bundled_service_receipts="200000",
                separate_service_receipts="300000",
                equipment_materials_receipts="400000",
            )
        ],
        {},
        ("1200000.00", "1200000.00", "0.00", "0.00", "1200000.00", "300000.00"),
        id="income-composition",
    ),
    pytest.param(  # ROUND_HALF_UP to the fen: halved 0.05 × 12.5% = 0.00625 → 0.01; reduction 0.025 → 0.03;
        # saved: 5,000,000.05 × 25% = 1,250,000.0125 → 1,250,000.01, minus 0.01
        [contract(technology_receipts="5000000.05")],
        {},
        ("5000000.05", "5000000.00", "0.05", "0.01", "5000000.03", "1250000.00"),
        id="rounding",
    ),
]


@pytest.mark.parametrize(("contracts", "extra", "expected"), CASES)
def test_transfer_income_tax(contracts: list, extra: dict, expected: tuple) -> None:
    result = run(contracts, **extra)
    keys = ("total_gain", "exempt", "halved", "tax_on_gain", "taxable_income_reduction", "tax_saved")
    assert tuple(result[k] for k in keys) == expected


def test_total_cit_with_other_income() -> None:
    # HTE: other income 2,000,000 × 15% = 300,000; gain 6,000,000 → 1,000,000 × 12.5% = 125,000
    result = run([contract(technology_receipts="6000000")], other_taxable_income="2000000", other_income_rate="0.15")
    assert result["tax_on_gain"] == "125000.00"
    assert result["total_cit"] == "425000.00"
    assert result["tax_saved"] == "1375000.00"  # measured at the default 25%: 1,500,000 − 125,000
    assert "tax_saved_rate" in {w["code"] for w in result["warnings"]}
    without = run([contract(technology_receipts="6000000")])
    assert "total_cit" not in without
    # other_income_rate absent: the CIT rate applies to the other income
    plain = run([contract(technology_receipts="6000000")], other_taxable_income="2000000")
    assert plain["total_cit"] == "625000.00"


@pytest.mark.parametrize(
    ("overrides", "tax_year", "failed"),
    [
        ({"kind": "exclusive_licence", "licence_years": 3}, 2024, "licence_years"),
        ({"kind": "nonexclusive_licence", "licence_years": 4}, 2024, "licence_years"),
        ({"kind": "nonexclusive_licence", "licence_years": 10}, 2014, "kind"),
        ({"related_party_holding_pct": 100}, 2024, "related_party"),
        ({"registered": False}, 2024, "registered"),
        ({"subject": "know_how"}, 2024, "subject"),
        ({"subject": "patent_application"}, 2024, "subject"),
    ],
)
def test_contracts_that_do_not_qualify(overrides: dict, tax_year: int, failed: str) -> None:
    result = CALC.run({"tax_year": tax_year, "contracts": [contract(technology_receipts="1000000", **overrides)]})
    item = result["contracts"][0]
    assert item["qualifies"] is False
    assert [r["code"] for r in item["reasons"] if not r["met"]] == [failed]
    assert item["gain"] == "1000000.00"  # shown, but not part of S
    assert result["total_gain"] == "0.00"
    assert result["tax_saved"] == "0.00"


@pytest.mark.parametrize(
    ("overrides", "tax_year"),
    [
        ({"kind": "exclusive_licence", "licence_years": 5}, 2024),
        ({"kind": "nonexclusive_licence", "licence_years": 5}, 2016),
        ({"related_party_holding_pct": "99.99"}, 2024),
        ({"subject": "ic_layout"}, 2010),
        ({"subject": "plant_variety"}, 2024),
        ({"subject": "biomedicine"}, 2024),
    ],
)
def test_contracts_that_qualify(overrides: dict, tax_year: int) -> None:
    result = CALC.run({"tax_year": tax_year, "contracts": [contract(technology_receipts="1000000", **overrides)]})
    assert result["contracts"][0]["qualifies"] is True
    assert all(r["met"] for r in result["contracts"][0]["reasons"])
    assert result["total_gain"] == "1000000.00"


def test_breakdown_parts() -> None:
    result = run([contract(technology_receipts="8000000", equipment_materials_receipts="10")])
    assert result["calculator"] == "transfer-income-tax"
    assert {c["clause"] for c in result["citations"]} >= {
        "(四)",
        "企业所得税法实施条例 第九十条",
        "国税函〔2010〕157号",
    }
    assert {(r["name"], r["version"]) for r in result["rule_sets"]} == {
        ("transfer-income-tax", 1),
        ("transfer-income-scope", 1),
    }
    assert "technology_income_estimated" in {w["code"] for w in result["warnings"]}
    assert any("excluded" in s["label_en"] for s in result["steps"])
    assert all(set(s) == {"label_zh", "label_en", "formula", "amount"} for s in result["steps"])
    assert result["inputs"]["contracts"][0]["technology_receipts"] == "8000000.00"


def test_nonexclusive_in_2015_warns_about_the_partial_year() -> None:
    result = CALC.run(
        {
            "tax_year": 2015,
            "contracts": [contract(kind="nonexclusive_licence", licence_years=5, technology_receipts="100")],
        }
    )
    assert result["contracts"][0]["qualifies"] is True
    assert "nonexclusive_partial_year" in {w["code"] for w in result["warnings"]}
    assert ("transfer-income-nonexclusive-licence", 1) in {(r["name"], r["version"]) for r in result["rule_sets"]}


def test_tax_year_before_the_law_is_a_field_error() -> None:
    from techmarket.policy.inputs import PolicyInputError

    with pytest.raises(PolicyInputError) as info:
        CALC.run({"tax_year": 2005, "contracts": []})
    assert info.value.errors["tax_year"]["code"] == "no_rule_in_force"


def test_cross_field_errors() -> None:
    from techmarket.policy.inputs import PolicyInputError

    with pytest.raises(PolicyInputError) as info:
        run([contract(tax_basis="10", accumulated_amortization="20"), contract()])
    assert info.value.errors["contracts[0].accumulated_amortization"]["code"] == "inconsistent"
    assert info.value.errors["contracts[1].id"]["code"] == "duplicate"


money = st.decimals(min_value=0, max_value=50_000_000, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=Decimal("0.125"), max_value=1, places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(money, money, money, rates)
def test_more_gain_never_lowers_tax_saved(receipts: Decimal, extra: Decimal, cost: Decimal, rate: Decimal) -> None:
    smaller = run([contract(technology_receipts=str(receipts), tax_basis=str(cost))], cit_rate=str(rate))
    larger = run([contract(technology_receipts=str(receipts + extra), tax_basis=str(cost))], cit_rate=str(rate))
    assert Decimal(larger["tax_saved"]) >= Decimal(smaller["tax_saved"])
    assert Decimal(larger["tax_on_gain"]) >= Decimal(smaller["tax_on_gain"])


@settings(max_examples=60, deadline=None)
@given(st.lists(money, min_size=1, max_size=4), money)
def test_parts_and_caps(receipts: list[Decimal], cost: Decimal) -> None:
    contracts = [contract(id=f"C{i}", technology_receipts=str(r), tax_basis=str(cost)) for i, r in enumerate(receipts)]
    result = run(contracts)
    total, exempt, halved = (Decimal(result[k]) for k in ("total_gain", "exempt", "halved"))
    assert exempt <= Decimal("5000000")
    assert exempt >= 0 and halved >= 0
    if total > 0:
        assert exempt + halved == total
    assert Decimal(result["tax_on_gain"]) <= halved * Decimal("0.125") + Decimal("0.005")
    assert Decimal(result["tax_saved"]) >= 0
