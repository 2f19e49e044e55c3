"""The operator verifies or returns organisations; overrides of failing codes; concurrent decisions."""

from __future__ import annotations

import re

from sqlalchemy import select

from techmarket.core.audit import AuditEntry
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.orgs.models import Organisation
from tests.accounts.support import field_error, reread
from tests.orgs.support import actions, code, counts, form_of, org_form, owner_of, wrong_check


def fresh(org: Organisation) -> Organisation:
    reread()
    return db.session.get(Organisation, org.id)


def version_on_page(client, org: Organisation) -> str:
    page = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert 'data-testid="decision-form"' in page
    match = re.search(r'<input[^>]*name="version"[^>]*value="(\d+)"', page) or re.search(
        r'<input[^>]*value="(\d+)"[^>]*name="version"', page)
    assert match, "no version in the decision form"
    return match.group(1)


def test_pending_organisation_is_in_the_queue(make, signin):
    org = make.org()
    make.org(status="verified", name="已认证的单位")
    page = signin(make.operator()).get("/admin/organisations").get_data(as_text=True)
    assert org.name in page
    assert "已认证的单位" not in page


def test_operator_verifies_and_the_member_sees_it_verified(make, signin):
    org = make.org()
    operator = make.operator()
    op = signin(operator)
    version = version_on_page(op, org)
    resp = op.post(f"/admin/organisations/{org.id}", data={"decision": "verify", "version": version})
    assert resp.status_code == 302
    after = fresh(org)
    assert after.status == "verified"
    assert after.decided_by_id == operator.id and after.decided_at is not None
    assert actions(org.id) == ["create", "verify"]
    member = signin(owner_of(org))
    assert "badge-status-verified" in member.get("/orgs/").get_data(as_text=True)
    assert "badge-status-verified" in member.get(f"/orgs/{org.id}").get_data(as_text=True)


def test_returning_needs_a_reason(make, signin):
    org = make.org()
    op = signin(make.operator())
    version = version_on_page(op, org)
    before = counts()
    resp = op.post(f"/admin/organisations/{org.id}", data={"decision": "return", "reason": "  ", "version": version})
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "reason")
    assert fresh(org).status == "pending"
    assert counts() == before
    resp = op.post(f"/admin/organisations/{org.id}",
                   data={"decision": "return", "reason": "营业执照照片不清晰", "version": version})
    assert resp.status_code == 302
    after = fresh(org)
    assert (after.status, after.return_reason) == ("returned", "营业执照照片不清晰")
    assert actions(org.id) == ["create", "return"]
    owner_page = signin(owner_of(org)).get(f"/orgs/{org.id}").get_data(as_text=True)
    assert "营业执照照片不清晰" in owner_page


def test_decision_must_be_given(make, signin):
    org = make.org()
    op = signin(make.operator())
    version = version_on_page(op, org)
    for decision in ("", "approve"):
        resp = op.post(f"/admin/organisations/{org.id}", data={"decision": decision, "version": version})
        assert resp.status_code == 400, decision
    resp = op.post(f"/admin/organisations/{org.id}", data={"decision": "verify", "version": "abc"})
    assert resp.status_code == 400
    assert fresh(org).status == "pending"


def test_claimed_code_needs_an_override_reason_which_is_recorded(make, signin):
    owner = make.user()
    owner_client = signin(owner)
    bad = wrong_check(code("91150100MA0N3K2F4"))
    assert owner_client.post("/orgs/new", data=org_form(credit_code=bad, claim_real_code="y")).status_code == 302
    reread()
    org = db.session.scalar(select(Organisation))
    operator = make.operator()
    op = signin(operator)
    page = op.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert 'name="override_reason"' in page
    version = version_on_page(op, org)
    resp = op.post(f"/admin/organisations/{org.id}", data={"decision": "verify", "version": version})
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "override_reason")
    assert fresh(org).status == "pending"
    reason = "已在国家企业信用信息公示系统核对，代码真实（早期赋码）"
    resp = op.post(f"/admin/organisations/{org.id}",
                   data={"decision": "verify", "version": version, "override_reason": reason})
    assert resp.status_code == 302
    after = fresh(org)
    assert after.status == "verified"
    assert after.code_check_failed
    assert after.code_override_reason == reason
    assert after.code_override_by_id == operator.id
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.object_type == "organisation", AuditEntry.object_id == str(org.id),
        AuditEntry.action == "verify"))
    assert entry.actor_id == operator.id
    assert entry.after["code_override_reason"] == reason
    assert entry.after["code_check_failed"] is True
    assert reason in owner_client.get(f"/orgs/{org.id}").get_data(as_text=True)


def test_returning_a_claimed_code_needs_no_override_reason(make, signin):
    owner_client = signin(make.user())
    bad = wrong_check(code("91150100MA0N3K2F4"))
    owner_client.post("/orgs/new", data=org_form(credit_code=bad, claim_real_code="y"))
    reread()
    org = db.session.scalar(select(Organisation))
    op = signin(make.operator())
    resp = op.post(f"/admin/organisations/{org.id}",
                   data={"decision": "return", "reason": "代码无法核实", "version": version_on_page(op, org)})
    assert resp.status_code == 302
    after = fresh(org)
    assert after.status == "returned" and after.code_override_reason is None


def test_second_of_two_operators_gets_409_and_the_first_decision_stands(make, signin):
    org = make.org()
    first_operator, second_operator = make.operator(), make.operator()
    first, second = signin(first_operator), signin(second_operator)
    seen_by_first, seen_by_second = version_on_page(first, org), version_on_page(second, org)
    assert seen_by_first == seen_by_second
    resp = first.post(f"/admin/organisations/{org.id}", data={"decision": "verify", "version": seen_by_first})
    assert resp.status_code == 302
    resp = second.post(f"/admin/organisations/{org.id}",
                       data={"decision": "return", "reason": "材料不全", "version": seen_by_second})
    assert resp.status_code == 409
    assert 'class="display-4 text-muted">409</p>' in resp.get_data(as_text=True)
    after = fresh(org)
    assert after.status == "verified"
    assert after.decided_by_id == first_operator.id
    assert after.return_reason is None
    assert actions(org.id) == ["create", "verify"]


def test_decision_on_a_version_the_owner_changed_since_gets_409(make, signin):
    org = make.org()
    op = signin(make.operator())
    stale = version_on_page(op, org)
    owner = signin(owner_of(org))
    assert owner.post(f"/orgs/{org.id}/edit", data=form_of(org, address="新地址")).status_code == 302
    resp = op.post(f"/admin/organisations/{org.id}", data={"decision": "verify", "version": stale})
    assert resp.status_code == 409
    assert fresh(org).status == "pending"
    # with the current version the operator can decide
    resp = op.post(f"/admin/organisations/{org.id}", data={"decision": "verify", "version": version_on_page(op, org)})
    assert resp.status_code == 302
    assert fresh(org).status == "verified"


def test_ordinary_users_cannot_decide(make, signin):
    org = make.org()
    owner = signin(owner_of(org))
    for c in (owner, signin(make.user(Role.EXPERT, Role.BROKER, Role.REGISTRAR))):
        assert c.get(f"/admin/organisations/{org.id}").status_code == 403
        resp = c.post(f"/admin/organisations/{org.id}", data={"decision": "verify", "version": "1"})
        assert resp.status_code == 403
    assert fresh(org).status == "pending"
    assert actions(org.id) == ["create"]


def test_operator_queue_filters_and_search(make, signin):
    pending = make.org(name="赤峰某乳业有限公司")
    verified = make.org(status="verified", name="鄂尔多斯某煤化工有限公司")
    op = signin(make.operator())
    page = op.get("/admin/organisations", query_string={"status": "verified"}).get_data(as_text=True)
    assert verified.name in page and pending.name not in page
    page = op.get("/admin/organisations", query_string={"status": "", "q": "乳业"}).get_data(as_text=True)
    assert pending.name in page and verified.name not in page
    page = op.get("/admin/organisations", query_string={"q": pending.credit_code}).get_data(as_text=True)
    assert pending.name in page
    for hostile in ({"status": "bogus"}, {"page": "-5"}, {"per_page": "100000"}, {"q": "%' OR 1=1 --"}):
        assert op.get("/admin/organisations", query_string=hostile).status_code == 200, hostile
