"""rd-investment-reward (三) and transaction-subsidy (post-subsidy rules): example tables, caps, windows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techmarket.policy.inputs import PolicyInputError
from techmarket.policy.registry import CALCULATORS

RD = CALCULATORS["rd-investment-reward"]
SUBSIDY = CALCULATORS["transaction-subsidy"]


@pytest.mark.parametrize(
    ("revenue", "rd_prev", "rd_before", "soe", "eligible", "band", "reward"),
    [
        ("100000000", "4000000", "3000000", False, True, "B", "250000.00"),  # 100,000 + 1,000,000 × 15%
        (
            "100000000",
            "4000000",
            "3000000",
            True,
            True,
            "B",
            "325000.00",
        ),  # increment × 150%: 100,000 + 225,000
        (
            "100000000",
            "1000000",
            "500000",
            False,
            True,
            "A",
            "50000.00",
        ),  # intensity exactly 1%: 500,000 × 10%
        ("100000000", "3000000", "2000000", False, True, "B", "250000.00"),  # exactly 3% → band B
        ("1000000000", "100000000", "0", False, True, "C", "5000000.00"),  # 200,000 + 20,000,000 → cap
        ("100000000", "500000", "100000", False, False, None, "0.00"),  # 0.5%: below the threshold
        ("100000000", "4000000", "4000000", False, False, "B", "0.00"),  # no increment
        ("100000000", "4000000", "5000000", True, False, "B", "0.00"),  # R&D fell
    ],
)
def test_rd_reward(
    revenue: str, rd_prev: str, rd_before: str, soe: bool, eligible: bool, band: str | None, reward: str
) -> None:
    result = RD.run(
        {
            "year": 2024,
            "revenue_prev": revenue,
            "rd_prev": rd_prev,
            "rd_before_prev": rd_before,
            "state_owned": soe,
        }
    )
    assert (result["eligible"], result["band"] and result["band"]["id"], result["reward"]) == (
        eligible,
        band,
        reward,
    )
    assert "example_rule_set:rd-investment-reward" in {w["code"] for w in result["warnings"]}
    assert result["citations"][0]["clause"] == "(三)"


def test_rd_reward_validation() -> None:
    with pytest.raises(PolicyInputError) as info:
        RD.run({"year": 2024, "revenue_prev": "0", "rd_prev": "-1", "rd_before_prev": "x"})
    assert {k: v["code"] for k, v in info.value.errors.items()} == {
        "revenue_prev": "out_of_range",
        "rd_prev": "negative",
        "rd_before_prev": "not_a_number",
    }
    with pytest.raises(PolicyInputError) as info:
        RD.run({"year": 2019, "revenue_prev": "1", "rd_prev": "1", "rd_before_prev": "0"})
    assert info.value.errors["year"]["code"] == "no_rule_in_force"


amounts = st.decimals(min_value=0, max_value=10_000_000_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=80, deadline=None)
@given(st.decimals(min_value="0.01", max_value=10_000_000_000, places=2), amounts, amounts, st.booleans())
def test_rd_reward_never_above_cap(revenue: Decimal, rd_prev: Decimal, rd_before: Decimal, soe: bool) -> None:
    result = RD.run(
        {
            "year": 2024,
            "revenue_prev": str(revenue),
            "rd_prev": str(rd_prev),
            "rd_before_prev": str(rd_before),
            "state_owned": soe,
        }
    )
    assert Decimal(0) <= Decimal(result["reward"]) <= Decimal("5000000")


def buyer(**overrides: object) -> dict:
    data = {
        "role": "buyer",
        "technical_transaction_amount": "8000000",
        "contract_type": "consulting",
        "registered": True,
        "registration_date": "2023-12-01",
        "claim_year": 2025,
        "paid": True,
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("amount", "subsidy", "slice_amounts"),
    [
        ("800000", "80000.00", ["80000.00", "0.00", "0.00"]),
        ("1000000", "100000.00", ["100000.00", "0.00", "0.00"]),
        ("3000000", "200000.00", ["100000.00", "100000.00", "0.00"]),  # + 2,000,000 × 5%
        ("8000000", "390000.00", ["100000.00", "200000.00", "90000.00"]),  # + 3,000,000 × 3%
        ("100000000", "2000000.00", ["100000.00", "200000.00", "2850000.00"]),  # 3,150,000 capped
        ("0.05", "0.01", ["0.01", "0.00", "0.00"]),  # 0.005 → 0.01
    ],
)
def test_buyer_marginal_bands(amount: str, subsidy: str, slice_amounts: list[str]) -> None:
    result = SUBSIDY.run(buyer(technical_transaction_amount=amount))
    assert result["eligible"] is True
    assert result["subsidy"] == subsidy
    assert [s["amount"] for s in result["slices"]] == slice_amounts
    assert [s["rate"] for s in result["slices"]] == ["0.10", "0.05", "0.03"]


@pytest.mark.parametrize(
    ("overrides", "eligible", "failed"),
    [
        ({"registration_date": "2023-11-01"}, True, None),  # window start, claim 2025
        ({"registration_date": "2024-10-31"}, True, None),  # window end
        ({"registration_date": "2023-10-31"}, False, "window"),
        ({"registration_date": "2024-11-01"}, False, "window"),
        ({"registration_date": "2024-11-01", "transaction_date": "2024-10-30"}, True, None),
        ({"paid": False}, False, "paid"),
        ({"registered": False}, False, "registered"),
        ({"claimant_in_region": False}, False, "in_region"),
        ({"role": "seller", "contract_type": "consulting", "paid": False}, False, "contract_type"),
        ({"role": "seller", "contract_type": "service"}, False, "contract_type"),
        ({"role": "seller", "contract_type": "development_cooperative"}, False, "contract_type"),
        ({"role": "seller", "contract_type": "licence", "paid": False}, True, None),
        ({"role": "seller", "contract_type": "development_commissioned"}, True, None),
        ({"role": "buyer", "contract_type": "development_cooperative"}, True, None),
        ({"role": "agency", "recognised_agency": False}, False, "recognised_agency"),
    ],
)
def test_subsidy_eligibility(overrides: dict, eligible: bool, failed: str | None) -> None:
    result = SUBSIDY.run(buyer(**overrides))
    assert result["eligible"] is eligible
    assert [r["code"] for r in result["reasons"] if not r["met"]] == ([failed] if failed else [])
    if not eligible:
        assert result["subsidy"] == "0.00"
    assert result["window"] == {"start": "2023-11-01", "end": "2024-10-31"}


def test_agency_percentage_and_default_claim_year() -> None:
    import datetime

    result = SUBSIDY.run(
        buyer(role="agency", technical_transaction_amount="10000000", claim_year=None),
        today=datetime.date(2025, 3, 1),
    )
    assert result["claim_year"] == 2025
    assert result["subsidy"] == "100000.00"  # 1% of the attributed amount
    assert result["slices"] == [
        {"from": "0.00", "to": None, "base": "10000000.00", "rate": "0.01", "amount": "100000.00"}
    ]
    assert "agency_assumed_recognised" in {w["code"] for w in result["warnings"]}
    assert "example_rule_set:transaction-subsidy" in {w["code"] for w in result["warnings"]}


def test_subsidy_bad_input() -> None:
    with pytest.raises(PolicyInputError) as info:
        SUBSIDY.run(
            buyer(
                role="broker",
                contract_type="sale",
                technical_transaction_amount="-5",
                registration_date="2024-13-01",
            )
        )
    assert {k: v["code"] for k, v in info.value.errors.items()} == {
        "role": "unknown_choice",
        "contract_type": "unknown_choice",
        "technical_transaction_amount": "negative",
        "registration_date": "bad_date",
    }
    with pytest.raises(PolicyInputError) as info:
        SUBSIDY.run(buyer(claim_year=2020))
    assert info.value.errors["claim_year"]["code"] == "no_rule_in_force"


@settings(max_examples=80, deadline=None)
@given(amounts, amounts, st.sampled_from(["buyer", "seller", "agency"]))
def test_subsidy_capped_and_monotone(amount: Decimal, extra: Decimal, role: str) -> None:
    low = SUBSIDY.run(buyer(role=role, contract_type="transfer", technical_transaction_amount=str(amount)))
    high = SUBSIDY.run(buyer(role=role, contract_type="transfer", technical_transaction_amount=str(amount + extra)))
    assert Decimal(0) <= Decimal(low["subsidy"]) <= Decimal(high["subsidy"]) <= Decimal("2000000")


def test_subsidy_budget_reduces_pro_rata_and_broker_reward_is_capped() -> None:
    budget = CALCULATORS["subsidy-budget"].run({"claim_year": 2025, "approved_total": "40000000",
                                                "committed": "1000000"})
    assert (budget["left"], budget["overrun"], budget["factor"], budget["granted_total"]) == (
        "29000000.00", True, "0.725", "29000000.00")
    assert budget["city_review"] is True and budget["publicity_working_days"] == 5
    fits = CALCULATORS["subsidy-budget"].run({"claim_year": 2025, "approved_total": "100"})
    assert (fits["overrun"], fits["factor"]) == (False, "1")
    big = CALCULATORS["broker-reward"].run({"contract_amount": "50000000", "registration_date": "2024-03-01"})
    assert (big["uncapped_reward"], big["reward"]) == ("750000.00", "300000.00")  # 1.5%, capped at 300,000
    small = CALCULATORS["broker-reward"].run({"contract_amount": "50000", "registration_date": "2024-03-01"})
    assert (small["eligible"], small["reward"]) == (False, "0.00")
    assert big["citations"][0]["clause"] == "(十一)"
