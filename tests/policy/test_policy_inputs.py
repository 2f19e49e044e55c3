"""Input validation: every error collected with its field path, code and both languages."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from techmarket.policy.fields import FieldSpec
from techmarket.policy.inputs import ErrorBag, PolicyInputError, parse_input
from techmarket.policy.registry import CALCULATORS


def test_all_errors_are_collected_with_paths() -> None:
    data = {
        "contracts": [
            {
                "id": "A",
                "kind": "ownership",
                "subject": "patent",
                "registered": "maybe",
                "technology_receipts": "-1",
            },
            {"id": "B", "kind": "sale", "subject": "patent", "registered": True, "tax_basis": "abc"},
            "not an object",
        ],
        "cit_rate": "1.5",
    }
    with pytest.raises(PolicyInputError) as info:
        CALCULATORS["transfer-income-tax"].run(data)
    codes = {path: err["code"] for path, err in info.value.errors.items()}
    assert codes == {
        "tax_year": "required",
        "cit_rate": "out_of_range",
        "contracts[0].registered": "type",
        "contracts[0].technology_receipts": "negative",
        "contracts[1].kind": "unknown_choice",
        "contracts[1].tax_basis": "not_a_number",
        "contracts[2]": "not_an_object",
    }
    assert all(err["en"] and err["zh"] for err in info.value.errors.values())
    message = str(info.value)
    assert "tax_year" in message and "contracts[1].kind" in message
    assert info.value.to_json()["errors"] == info.value.errors


FIELDS = [
    FieldSpec("amount", "money"),
    FieldSpec("rate", "rate"),
    FieldSpec("count", "int", minimum=1, maximum=10),
    FieldSpec("flag", "bool"),
    FieldSpec("day", "date"),
    FieldSpec("name", "text"),
]


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("amount", 1234.5, Decimal("1234.50")),
        ("amount", 0.1, Decimal("0.10")),  # via str(), never binary float
        ("amount", "1,000.005", Decimal("1000.01")),  # ROUND_HALF_UP to the fen
        ("amount", 7, Decimal("7.00")),
        ("rate", "25%", Decimal("0.25")),
        ("rate", 0.15, Decimal("0.15")),
        ("count", "3", 3),
        ("count", 4.0, 4),
        ("flag", "true", True),
        ("flag", "否", False),
        ("flag", 0, False),
        ("day", "2026-02-14", datetime.date(2026, 2, 14)),
        ("name", "  x ", "x"),
    ],
)
def test_accepted_values(field: str, raw: object, value: object) -> None:
    errors = ErrorBag()
    values, _ = parse_input(FIELDS, {field: raw}, errors)
    assert not errors
    assert values[field] == value


@pytest.mark.parametrize(
    ("field", "raw", "code"),
    [
        ("amount", "-0.01", "negative"),
        ("amount", "NaN", "not_a_number"),
        ("amount", "Infinity", "not_a_number"),
        ("amount", "1e30", "too_large"),
        ("amount", True, "not_a_number"),
        ("amount", [1], "not_a_number"),
        ("rate", "-0.1", "out_of_range"),
        ("count", 0, "out_of_range"),
        ("count", 2.5, "type"),
        ("count", True, "type"),
        ("count", "²", "type"),  # str.isdigit() is true for it, int() refuses it
        ("count", "+-5", "type"),
        ("count", "1" * 16, "type"),
        ("flag", "maybe", "type"),
        ("day", "2024-02-30", "bad_date"),
        ("day", "1 May 2024", "bad_date"),
        ("day", 20240101, "bad_date"),
        ("day", "1989-12-31", "year_out_of_range"),
        ("day", "2101-01-01", "year_out_of_range"),
        ("name", {"a": 1}, "type"),
        ("name", "x" * 501, "too_long"),
    ],
)
def test_rejected_values(field: str, raw: object, code: str) -> None:
    errors = ErrorBag()
    parse_input(FIELDS, {field: raw}, errors)
    assert errors.errors[field]["code"] == code


def test_not_an_object_and_unknown_fields() -> None:
    with pytest.raises(PolicyInputError) as info:
        CALCULATORS["indirect-cost-cap"].run(["direct_costs", 1])  # type: ignore[arg-type]
    assert info.value.errors["$"]["code"] == "not_an_object"
    result = CALCULATORS["indirect-cost-cap"].run({"direct_costs": "1", "direct_cost": "2"})
    assert "direct_cost" in result["warnings"][0]["en"]


def test_outputs_share_the_common_keys() -> None:
    samples: dict[str, dict[str, Any]] = {
        "transfer-income-tax": {"tax_year": 2024, "contracts": []},
        "local-share-relief": {"first_revenue_year": 2021, "years": [{"year": 2021, "cit_payable": "1"}]},
        "one-off-award": {"kind": "industry_leader", "subject": "x", "event": "y"},
        "rd-investment-reward": {"year": 2024, "revenue_prev": "10", "rd_prev": "1", "rd_before_prev": "0"},
        "transaction-subsidy": {
            "role": "buyer",
            "technical_transaction_amount": "1",
            "contract_type": "service",
            "registered": True,
            "registration_date": "2024-01-01",
            "claim_year": 2025,
        },
        "indirect-cost-cap": {"direct_costs": "1"},
        "disbursement-deadline": {"start_date": "2025-01-02"},
        "subsidy-budget": {"claim_year": 2025, "approved_total": "40000000", "committed": "1000000"},
        "broker-reward": {"contract_amount": "1000000", "share": "0.5", "registration_date": "2024-03-01"},
    }
    assert set(samples) == set(CALCULATORS)
    for name, data in samples.items():
        result = CALCULATORS[name].run(data, today=datetime.date(2025, 6, 1))
        assert result["calculator"] == name
        assert {"inputs", "steps", "citations", "rule_sets", "warnings"} <= set(result)
        assert result["citations"] and result["rule_sets"] and result["steps"]
        assert all(set(r) >= {"name", "version", "effective_from", "source"} for r in result["rule_sets"])
        assert all(set(w) == {"code", "zh", "en"} for w in result["warnings"])
        assert all(set(c) == {"clause", "text"} for c in result["citations"])


def test_field_specs_describe_themselves() -> None:
    for calc in CALCULATORS.values():
        described = calc.to_json()
        assert described["fields"] and described["clause"]
        for spec in calc.fields:
            assert spec.label_zh and spec.label_en
            if spec.kind == "list":
                assert spec.item_fields
    contracts = next(f for f in CALCULATORS["transfer-income-tax"].fields if f.name == "contracts")
    kind = next(f for f in contracts.item_fields if f.name == "kind")
    assert kind.choices == ["ownership", "exclusive_licence", "nonexclusive_licence"]
    assert kind.to_json()["choices"][0] == {
        "value": "ownership",
        "label_zh": "所有权转让",
        "label_en": "transfer of ownership",
    }
    contract_type = next(f for f in CALCULATORS["transaction-subsidy"].fields if f.name == "contract_type")
    assert contract_type.choices == [
        "development_commissioned",
        "development_cooperative",
        "transfer",
        "licence",
        "consulting",
        "service",
    ]
