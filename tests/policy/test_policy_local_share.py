"""local-share-relief, clause (四): years 1–3 local share exempt, 4–6 halved; local share 40%."""

from __future__ import annotations

import pytest

from techmarket.policy.inputs import PolicyInputError
from techmarket.policy.registry import CALCULATORS

CALC = CALCULATORS["local-share-relief"]


def test_six_year_schedule() -> None:
    result = CALC.run(
        {
            "first_revenue_year": 2021,
            "years": [{"year": y, "cit_payable": "1000000"} for y in range(2028, 2019, -1)],
        }
    )
    rows = [
        (y["year"], y["year_number"], y["local_share"], y["relief"], y["cit_after_relief"]) for y in result["years"]
    ]
    assert rows == [
        (2020, 0, "400000.00", "0.00", "1000000.00"),  # before the first revenue year
        (2021, 1, "400000.00", "400000.00", "600000.00"),
        (2022, 2, "400000.00", "400000.00", "600000.00"),
        (2023, 3, "400000.00", "400000.00", "600000.00"),
        (2024, 4, "400000.00", "200000.00", "800000.00"),
        (2025, 5, "400000.00", "200000.00", "800000.00"),
        (2026, 6, "400000.00", "200000.00", "800000.00"),
        (2027, 7, "400000.00", "0.00", "1000000.00"),
        (2028, 8, "400000.00", "0.00", "1000000.00"),
    ]
    assert result["total_relief"] == "1800000.00"
    assert result["citations"][0]["clause"] == "(四)"
    assert result["rule_sets"] == [
        {
            "name": "local-share-relief",
            "version": 1,
            "effective_from": "2020-10-12",
            "source": result["rule_sets"][0]["source"],
            "precedence": 2,
            "example": False,
        }
    ]


@pytest.mark.parametrize(
    ("ratio", "cit", "year", "local_share", "relief"),
    [
        ("0", "1000000", 2022, "0.00", "0.00"),  # CIT wholly central
        ("0.5", "1000000", 2025, "500000.00", "250000.00"),
        (None, "0.03", 2022, "0.01", "0.01"),  # 0.012 → 0.01
        (None, "0.03", 2025, "0.01", "0.01"),  # 0.01 × 0.5 = 0.005 → 0.01 (ROUND_HALF_UP)
        (None, "1234567.89", 2025, "493827.16", "246913.58"),
    ],
)
def test_ratio_and_rounding(ratio: str | None, cit: str, year: int, local_share: str, relief: str) -> None:
    data = {"first_revenue_year": 2021, "years": [{"year": year, "cit_payable": cit}]}
    if ratio is not None:
        data["local_share_ratio"] = ratio
    row = CALC.run(data)["years"][0]
    assert (row["local_share"], row["relief"]) == (local_share, relief)


def test_year_before_the_policy_gets_no_relief() -> None:
    result = CALC.run(
        {
            "first_revenue_year": 2019,
            "years": [{"year": 2019, "cit_payable": "100"}, {"year": 2020, "cit_payable": "100"}],
        }
    )
    assert [y["relief"] for y in result["years"]] == ["0.00", "40.00"]
    assert "no_rule_in_force:2019" in {w["code"] for w in result["warnings"]}


def test_duplicate_year_and_missing_fields() -> None:
    with pytest.raises(PolicyInputError) as info:
        CALC.run({"first_revenue_year": 2021, "years": [{"year": 2022, "cit_payable": "1"}, {"year": 2022}]})
    assert info.value.errors["years[1].year"]["code"] == "duplicate"
    assert info.value.errors["years[1].cit_payable"]["code"] == "required"
