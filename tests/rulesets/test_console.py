"""The operator's rule-set console over real HTTP: list, versions, edit -> new version with its diff."""

from __future__ import annotations

import html
import json
import re

import pytest

from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.rulesets import queries
from tests.accounts.support import field_error, reread
from tests.rulesets.support import member_with_org, signin


def _text(resp) -> str:
    return resp.get_data(as_text=True)


def _textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, f"no textarea {name}"
    return html.unescape(found.group(1)).strip()


def test_operator_lists_rule_sets_with_current_versions(make, login):
    client = login(make.operator())
    page = _text(client.get("/policy/rules"))
    for name in ("transfer-income-tax", "transfer-income-scope", "rd-investment-reward", "disbursement-deadline"):
        assert f'href="/policy/rules/{name}"' in page
    assert "示例" in page  # the example tables are marked
    nav = _text(client.get("/"))
    assert 'href="/policy/rules"' in nav


def test_operator_edits_a_rule_set_and_sees_the_difference(make, login):
    client = login(make.operator())
    form_page = _text(client.get("/policy/rules/indirect-cost-cap/edit"))
    params = json.loads(_textarea(form_page, "params"))
    assert params["bands"][0]["rate"] == "0.30"
    params["bands"][0]["rate"] = "0.35"
    resp = client.post("/policy/rules/indirect-cost-cap/edit", data={
        "params": json.dumps(params, ensure_ascii=False, indent=2), "effective_from": "2026-01-01",
        "source": "科技兴蒙 (二十三); 自治区科技厅修订", "note": "提高第一档比例", "base_version": "1",
    })
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/policy/rules/indirect-cost-cap/v2")
    page = _text(client.get(resp.headers["Location"]))
    diff = page[page.index('data-testid="diff"'):]
    assert "bands[0].rate" in diff and '"0.30"' in diff and '"0.35"' in diff
    assert "2020-10-12" in diff and "2026-01-01" in diff  # the effective date changed too
    assert "bands[1].rate" not in diff
    reread()
    assert [v.version for v in queries.versions(db.session, "indirect-cost-cap")] == [2, 1]
    versions_page = _text(client.get("/policy/rules/indirect-cost-cap"))
    assert "/policy/rules/indirect-cost-cap/v1" in versions_page
    assert "/policy/rules/indirect-cost-cap/v2" in versions_page
    first = _text(client.get("/policy/rules/indirect-cost-cap/v1"))
    assert "&#34;rate&#34;: &#34;0.30&#34;" in first


def test_a_bad_edit_keeps_the_text_and_names_the_problem(make, login):
    client = login(make.operator())
    form_page = _text(client.get("/policy/rules/indirect-cost-cap/edit"))
    text = _textarea(form_page, "params").replace('"theoretical_uplift"', '"uplift"')
    resp = client.post("/policy/rules/indirect-cost-cap/edit", data={
        "params": text, "effective_from": "2026-01-01", "source": "x", "base_version": "1"})
    assert resp.status_code == 200
    page = _text(resp)
    assert '"uplift"' in _textarea(page, "params")
    assert "theoretical_uplift" in field_error(page, "params")
    reread()
    assert len(queries.versions(db.session, "indirect-cost-cap")) == 1


@pytest.mark.parametrize("roles", [(Role.ENTERPRISE,), (Role.REGISTRAR,)])
def test_non_operators_get_403_on_the_console(make, login, roles):
    user = make.user(*roles)
    make.org(user)
    client = login(user)
    for path in ("/policy/rules", "/policy/rules/indirect-cost-cap", "/policy/rules/indirect-cost-cap/v1",
                 "/policy/rules/indirect-cost-cap/edit"):
        assert client.get(path).status_code == 403, path
    resp = client.post("/policy/rules/indirect-cost-cap/edit", data={
        "params": "{}", "effective_from": "2026-01-01", "source": "x"})
    assert resp.status_code == 403
    assert 'href="/policy/rules"' not in _text(client.get("/"))


def test_unknown_rule_sets_and_versions_are_404(make, login):
    client = login(make.operator())
    assert client.get("/policy/rules/nope").status_code == 404
    assert client.get("/policy/rules/indirect-cost-cap/v9").status_code == 404
    assert client.get("/policy/rules/nope/edit").status_code == 404


def test_the_calculator_uses_the_new_version_from_its_effective_date(make, login, app):
    client = login(make.operator())
    params = json.loads(_textarea(_text(client.get("/policy/rules/indirect-cost-cap/edit")), "params"))
    params["bands"][0]["rate"] = "0.35"
    client.post("/policy/rules/indirect-cost-cap/edit", data={
        "params": json.dumps(params), "effective_from": "2025-01-01", "source": "修订", "base_version": "1"})
    member, _org = member_with_org(make)
    browser = signin(app, member)
    page = _text(browser.post("/policy/indirect-cost-cap", data={
        "direct_costs": "1000000", "approval_date": "2025-03-01"}))
    assert "350,000.00" in page and 'href="/policy/rules/' not in page  # members see no console links
    assert "v2" in page[page.index('data-testid="rule-sets"'):]
    old = _text(browser.post("/policy/indirect-cost-cap", data={
        "direct_costs": "1000000", "approval_date": "2024-03-01"}))
    assert "300,000.00" in old and "v1" in old[old.index('data-testid="rule-sets"'):]
