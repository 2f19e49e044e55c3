"""indirect-cost-cap, clause (二十三): 30% / 25% / 20% slices of direct costs minus equipment."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from techmarket.policy.inputs import PolicyInputError
from techmarket.policy.registry import CALCULATORS

CALC = CALCULATORS["indirect-cost-cap"]


@pytest.mark.parametrize(
    ("direct", "equipment", "theoretical", "base", "cap", "slices"),
    [
        (
            "13000000",
            "1000000",
            False,
            "12000000.00",
            "3150000.00",
            ["1500000.00", "1250000.00", "400000.00"],
        ),
        ("5000000", "0", False, "5000000.00", "1500000.00", ["1500000.00", "0.00", "0.00"]),
        ("10500000", "500000", False, "10000000.00", "2750000.00", ["1500000.00", "1250000.00", "0.00"]),
        ("4000000.01", "0", False, "4000000.01", "1200000.00", ["1200000.00", "0.00", "0.00"]),  # .003 → .00
        ("0.05", "0", False, "0.05", "0.02", ["0.02", "0.00", "0.00"]),  # 0.015 → 0.02
        ("13000000", "1000000", True, "12000000.00", "3750000.00", ["1750000.00", "1500000.00", "500000.00"]),
        ("2000000", "2000000", False, "0.00", "0.00", ["0.00", "0.00", "0.00"]),
    ],
)
def test_indirect_cost_cap(
    direct: str, equipment: str, theoretical: bool, base: str, cap: str, slices: list[str]
) -> None:
    result = CALC.run(
        {
            "direct_costs": direct,
            "equipment_costs": equipment,
            "theoretical": theoretical,
            "approval_date": "2024-05-01",
        }
    )
    assert (result["base"], result["cap"]) == (base, cap)
    assert [s["amount"] for s in result["slices"]] == slices
    assert result["citations"][0]["clause"] == "(二十三)"
    assert ("theoretical_uplift" in {w["code"] for w in result["warnings"]}) is theoretical


def test_equipment_above_direct_is_an_error() -> None:
    with pytest.raises(PolicyInputError) as info:
        CALC.run({"direct_costs": "100", "equipment_costs": "101"})
    assert info.value.errors["equipment_costs"]["code"] == "inconsistent"


money = st.decimals(min_value=0, max_value=100_000_000_000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=100, deadline=None)
@given(money, money)
def test_cap_at_most_30_percent_and_monotone(base: Decimal, extra: Decimal) -> None:
    low = CALC.run({"direct_costs": str(base)})
    high = CALC.run({"direct_costs": str(base + extra)})
    assert Decimal(low["cap"]) <= (base * Decimal("0.30")).quantize(Decimal("0.01")) + Decimal("0.01")
    assert Decimal(low["cap"]) >= base * Decimal("0.20") - Decimal("0.03")
    assert Decimal(low["cap"]) <= Decimal(high["cap"])
