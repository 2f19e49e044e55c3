"""The ``policy`` click group, standalone (no Flask app)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from techmarket.policy.cli import policy

TAX_INPUT: dict[str, Any] = {
    "tax_year": 2024,
    "contracts": [
        {
            "id": "C1",
            "kind": "ownership",
            "subject": "patent",
            "registered": True,
            "technology_receipts": 8000000,
        }
    ],
}


def test_list_prints_calculators_and_fields() -> None:
    result = CliRunner().invoke(policy, ["list"])
    assert result.exit_code == 0
    for name in (
        "transfer-income-tax",
        "local-share-relief",
        "one-off-award",
        "rd-investment-reward",
        "transaction-subsidy",
        "indirect-cost-cap",
        "disbursement-deadline",
    ):
        assert name in result.output
    assert "contracts (list" in result.output
    assert "related_party_holding_pct" in result.output  # item fields are listed too
    assert "one of ownership|exclusive_licence|nonexclusive_licence" in result.output


def test_calc_from_file(tmp_path: Path) -> None:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(TAX_INPUT), encoding="utf-8")
    result = CliRunner().invoke(policy, ["calc", "transfer-income-tax", "--input", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["exempt"], data["halved"], data["tax_on_gain"]) == ("5000000.00", "3000000.00", "375000.00")
    assert "免征部分" in result.stdout  # ensure_ascii=False
    assert result.stdout.startswith("{\n  ")  # indent 2


def test_calc_from_stdin() -> None:
    result = CliRunner().invoke(
        policy,
        ["calc", "disbursement-deadline", "--input", "-"],
        input='{"start_date": "2027-01-04", "working_days": 5}',
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["deadline"], data["provisional"]) == ("2027-01-11", True)


def run_bad(name: str, payload: str) -> tuple[int, str]:
    result = CliRunner().invoke(policy, ["calc", name, "--input", "-"], input=payload)
    return result.exit_code, result.stderr


def test_missing_field() -> None:
    code, err = run_bad("indirect-cost-cap", "{}")
    assert code == 2
    assert "direct_costs" in err and "required" in err


def test_negative_amount() -> None:
    code, err = run_bad("indirect-cost-cap", '{"direct_costs": "-5"}')
    assert code == 2
    assert "direct_costs" in err and "negative" in err


def test_unknown_kind() -> None:
    payload = json.dumps({**TAX_INPUT, "contracts": [{**TAX_INPUT["contracts"][0], "kind": "rental"}]})
    code, err = run_bad("transfer-income-tax", payload)
    assert code == 2
    assert "contracts[0].kind" in err and "rental" in err


def test_bad_json_and_non_object() -> None:
    code, err = run_bad("indirect-cost-cap", "{direct_costs: 1")
    assert code == 2 and "not valid JSON" in err
    code, err = run_bad("indirect-cost-cap", "[1, 2]")
    assert code == 2 and "$" in err


def test_2027_date_is_provisional_not_an_error() -> None:
    result = CliRunner().invoke(
        policy, ["calc", "disbursement-deadline", "--input", "-"], input='{"start_date": "2027-06-01"}'
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["warnings"][0]["code"] == "provisional_calendar"
    code, err = run_bad("disbursement-deadline", '{"start_date": "2127-06-01"}')
    assert code == 2 and "start_date" in err


def test_unknown_calculator() -> None:
    code, err = run_bad("lottery", "{}")
    assert code == 2
    assert "lottery" in err and "transfer-income-tax" in err and "disbursement-deadline" in err
