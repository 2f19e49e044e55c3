"""The input boundary: hostile input gets a clear 4xx in the user's language, keeps the form, saves nothing.

Each case was a 500 before (RecursionError on deep JSON, OverflowError / "integer out of range" on ids
beyond the database's INTEGER, NUL refused by PostgreSQL or stored by SQLite)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import func, select

from techmarket.contracts.models import Contract
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.orgs.models import Organisation
from techmarket.rulesets.models import RuleSetVersion, SavedCalculation
from techmarket.web import errors
from tests.accounts.support import isolate_requests
from tests.contracts.builders import deal
from tests.contracts.test_pages_party import form_data
from tests.orgs.support import org_form
from tests.rulesets.support import prepare

DEEP_LIST = "[" * 10_000 + "]" * 10_000
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
HUGE = str(2**63)
CONTROL_ZH = "控制字符"
RANGE_ZH = "数字超出范围"


@pytest.fixture(autouse=True)
def _isolated(app):
    isolate_requests(app)


def count(model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("body", [DEEP_LIST, DEEP_OBJECT])
def test_deeply_nested_json_on_the_policy_api_is_a_400_without_sign_in(app, client, body):
    prepare(app)
    resp = client.post("/api/v1/policy/indirect-cost-cap", data=body, content_type="application/json")
    assert resp.status_code == 400
    error = resp.get_json()["error"]
    assert error["code"] == "invalid_json" and error["status"] == 400
    assert "嵌套" in error["message"]
    assert error["fields"]["$"]["code"] == "invalid" and error["fields"]["$"]["message"] == error["message"]


def test_nul_in_a_json_string_is_refused_in_english_for_english_clients(app, client):
    prepare(app)
    resp = client.post("/api/v1/policy/indirect-cost-cap", json={"direct_costs": "100\x00"},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 400
    assert "control characters" in resp.get_json()["error"]["message"]


def test_deep_json_in_a_saved_calculation_is_a_400_and_saves_nothing(app, make, signin):
    prepare(app)
    user = make.user(Role.ENTERPRISE)
    org = make.org(user, status="verified")
    c = signin(user)
    for inputs in (DEEP_LIST, '{"tax_year": "\\u0000"}'):
        resp = c.post("/policy/transfer-income-tax/save", data={"organisation_id": org.id, "inputs": inputs})
        assert resp.status_code == 400, resp.status_code
        assert 'data-testid="error-message"' in resp.get_data(as_text=True)
    assert count(SavedCalculation) == 0


def test_deep_json_in_a_rule_set_edit_lands_beside_the_parameters(app, make, signin):
    prepare(app)
    c = signin(make.operator())
    before = count(RuleSetVersion)
    resp = c.post("/policy/rules/indirect-cost-cap/edit", data={
        "params": DEEP_OBJECT, "effective_from": (local_today() + dt.timedelta(days=1)).isoformat(),
        "source": "测试", "base_version": "1"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "JSON 嵌套层级过深" in page and "测试" in page  # the message, and the rest of the input kept
    assert count(RuleSetVersion) == before


def test_nul_in_a_form_field_is_refused_beside_it_keeping_the_rest(make, signin):
    user = make.user(Role.ENTERPRISE)
    c = signin(user)
    resp = c.post("/orgs/new", data=org_form(name="包头稀土\x00新材料有限公司", address="钢铁大街\x0b1 号"))
    page = resp.get_data(as_text=True)
    assert resp.status_code in (200, 400)
    assert page.count(CONTROL_ZH) == 2
    assert "包头稀土新材料有限公司" in page and "contact@baotou-re.example.cn" in page
    assert count(Organisation) == 0


@pytest.mark.parametrize("field", ["listing_id", "seller_org_id"])
def test_ids_beyond_the_database_range_in_the_contract_form_are_field_errors(make, signin, field):
    d = deal(make)
    c = signin(d.seller)
    resp = c.post("/contracts/new", data=form_data(d, **{field: HUGE}))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert RANGE_ZH in page and "稀土永磁电机控制技术转让合同" in page
    assert count(Contract) == 0


def test_statement_number_beyond_the_range_is_a_field_error(make, signin):
    c = signin(make.operator())
    resp = c.post("/statements/disbursements", data={"statement_id": HUGE, "notice_on": local_today().isoformat()})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert RANGE_ZH in page and HUGE in page


@pytest.mark.parametrize("selected", ["99999999999999999999:1:", "1:99999999999999999999:", f"{HUGE}:1:"])
def test_moderation_queue_selection_beyond_the_range_is_a_400(make, signin, selected):
    c = signin(make.operator())
    resp = c.post("/admin/listings/", data={"selected": selected, "action": "approve"})
    assert resp.status_code == 400


@pytest.mark.parametrize("path", ["/search?q=%00", "/listings/achievements?q=a%00", "/api/v1/search?q=%01",
                                  "/admin/users?q=%00", "/admin/audit?type=%00x", "/search?%00=1"])
def test_control_characters_in_the_query_string_are_a_400_with_a_message(make, signin, path):
    c = signin(make.operator())
    resp = c.get(path)
    assert resp.status_code == 400
    text = resp.get_data(as_text=True)
    assert "网址中含有不可见的控制字符" in text


def test_control_characters_in_a_path_parameter_are_a_404(app, make, signin):
    prepare(app)
    c = signin(make.operator())
    for path in ("/policy/rules/a%00b", "/policy/rules/%00/edit", "/api/v1/policy/x%00"):
        assert c.get(path).status_code == 404, path


def test_a_value_the_database_refuses_is_a_400_and_logged_as_unchecked(app, caplog, monkeypatch):
    """The last line of defence: what slips past the boundary is the request's fault, said in its language."""
    monkeypatch.setattr(logging.getLogger(errors.__name__), "disabled", False)  # Alembic's fileConfig disables it

    def boom() -> str:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    app.add_url_rule("/__overflow", "overflow", boom)
    resp = app.test_client().get("/__overflow", headers={"Accept": "application/json"})
    assert resp.status_code == 400
    assert "数字超出范围" in resp.get_json()["error"]["message"]
    assert any("unchecked input" in r.getMessage() for r in caplog.records)
