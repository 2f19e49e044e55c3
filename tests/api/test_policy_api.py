"""``/api/v1/policy``: the calculators as JSON over the stored rule sets, and the app's ``policy`` CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from techmarket.accounts.services import actor_for
from techmarket.core.clock import local_today
from techmarket.extensions import db
from techmarket.policy import CALCULATORS
from techmarket.rulesets import queries, services
from tests.rulesets.support import TRANSFER_CASE


def _post(client, name: str, body, **kw):
    return client.post(f"/api/v1/policy/{name}", json=body, **kw)


def test_index_lists_calculators_with_their_fields(client):
    resp = client.get("/api/v1/policy")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    calculators = {c["name"]: c for c in resp.get_json()["calculators"]}
    assert set(calculators) == set(CALCULATORS)
    fields = {f["name"]: f for f in calculators["transfer-income-tax"]["fields"]}
    assert fields["tax_year"]["required"] is True
    assert {f["name"] for f in fields["contracts"]["item_fields"]} >= {"kind", "subject", "technology_receipts"}
    one = client.get("/api/v1/policy/indirect-cost-cap").get_json()
    assert one["clause"] == "(二十三)"


def test_good_input_gives_the_same_json_as_the_cli(client, runner):
    resp = _post(client, "transfer-income-tax", TRANSFER_CASE)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    assert (body["exempt"], body["halved"], body["tax_on_gain"], body["tax_saved"]) == (
        "5000000.00", "3000000.00", "375000.00", "1625000.00")
    assert body["contracts"][0]["qualifies"] is True
    assert body["citations"][0]["clause"] == "(四)"
    assert body["rule_sets"][0] == {"name": "transfer-income-tax", "version": 1, "effective_from": "2008-01-01",
                                    "source": body["rule_sets"][0]["source"], "precedence": 3, "example": False}
    cli = runner.invoke(args=["policy", "calc", "transfer-income-tax", "--input", "-"],
                        input=json.dumps(TRANSFER_CASE))
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == body
    assert "免征部分" in resp.get_data(as_text=True)  # not \\u-escaped


def test_missing_field_is_400_naming_it(client):
    resp = _post(client, "transfer-income-tax", {"contracts": TRANSFER_CASE["contracts"]})
    assert resp.status_code == 400
    body = resp.get_json()
    assert body["error"]["code"] == "validation_failed" and body["error"]["status"] == 400
    fields = body["error"]["fields"]
    assert fields["tax_year"]["code"] == "required"
    assert set(fields["tax_year"]) == {"code", "message", "en", "zh"}
    assert fields["tax_year"]["message"] == fields["tax_year"]["zh"]  # the user's language (Chinese by default)


def test_negative_amount_and_unknown_kind_are_field_errors(client):
    contract = {**TRANSFER_CASE["contracts"][0], "technology_receipts": "-100", "kind": "gift"}
    body = _post(client, "transfer-income-tax", {"tax_year": 2024, "contracts": [contract]}).get_json()
    assert body["error"]["fields"]["contracts[0].technology_receipts"]["code"] == "negative"
    assert body["error"]["fields"]["contracts[0].kind"]["code"] == "unknown_choice"
    assert "gift" in body["error"]["fields"]["contracts[0].kind"]["en"]
    body = _post(client, "indirect-cost-cap", {"direct_costs": -1}).get_json()
    assert body["error"]["fields"]["direct_costs"]["zh"] == "金额不能为负数"


def test_unknown_calculator_is_404(client):
    resp = _post(client, "free-money", {})
    assert resp.status_code == 404
    assert "indirect-cost-cap" in resp.get_json()["error"]["message"]
    assert client.get("/api/v1/policy/free-money").status_code == 404


def test_non_json_bodies_are_refused(client):
    resp = client.post("/api/v1/policy/indirect-cost-cap", data="direct_costs=1",
                       content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 415 and resp.get_json()["error"]["code"] == "unsupported_media_type"
    resp = client.post("/api/v1/policy/indirect-cost-cap", data="{direct_costs: 1",
                       content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_json"
    resp = client.post("/api/v1/policy/indirect-cost-cap")
    assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_json"
    resp = _post(client, "indirect-cost-cap", [1, 2])
    assert resp.status_code == 400 and resp.get_json()["error"]["fields"]["$"]["code"] == "not_an_object"


def test_a_date_beyond_the_official_calendar_is_provisional(client):
    body = _post(client, "disbursement-deadline", {"start_date": "2027-03-01"}).get_json()
    assert body["provisional"] is True and body["warnings"]


def test_the_api_uses_the_stored_rule_sets(client, make):
    import json as _json

    v1 = queries.versions(db.session, "indirect-cost-cap")[0]
    params = _json.loads(_json.dumps(v1.params))
    params["bands"][0]["rate"] = "0.35"
    services.new_version(db.session, actor_for(make.operator()), "indirect-cost-cap", params,
                         dt.date(2025, 1, 1), "修订")
    db.session.commit()
    body = _post(client, "indirect-cost-cap", {"direct_costs": "1000000", "approval_date": "2025-06-01"}).get_json()
    assert body["cap"] == "350000.00" and body["rule_sets"][0]["version"] == 2
    assert local_today() >= dt.date(2025, 1, 1)


def test_the_api_needs_no_csrf_token_but_the_pages_do(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    assert _post(client, "indirect-cost-cap", {"direct_costs": "100"}).status_code == 200


def test_the_api_is_rate_limited(client):
    statuses = {_post(client, "indirect-cost-cap", {"direct_costs": "1"}).status_code for _ in range(125)}
    assert statuses == {200, 429}


@pytest.mark.parametrize("bad", ['{"direct_costs": "-5"}', "[]", "{nope"])
def test_the_app_cli_exits_2_on_bad_input(runner, bad):
    result = runner.invoke(args=["policy", "calc", "indirect-cost-cap", "--input", "-"], input=bad)
    assert result.exit_code == 2


def test_the_app_cli_computes(runner):
    result = runner.invoke(args=["policy", "calc", "indirect-cost-cap", "--input", "-"],
                           input='{"direct_costs": "12000000", "equipment_costs": "1000000"}')
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["cap"] == "2950000.00" and [s["amount"] for s in data["slices"]] == [
        "1500000.00", "1250000.00", "200000.00"]
