"""Editing an organisation, and who may see and edit it."""

from __future__ import annotations

from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.orgs.models import Organisation
from tests.accounts.support import field_error, field_value, reread
from tests.orgs.support import actions, add_member, code, counts, form_of, owner_of, wrong_check


def fresh(org: Organisation) -> Organisation:
    reread()
    return db.session.get(Organisation, org.id)


def test_owner_sees_the_form_filled_in_and_saves_a_change(make, signin):
    org = make.org()
    owner = owner_of(org)
    c = signin(owner)
    page = c.get(f"/orgs/{org.id}/edit").get_data(as_text=True)
    assert field_value(page, "name") == org.name
    assert field_value(page, "credit_code") == org.credit_code
    resp = c.post(f"/orgs/{org.id}/edit", data=form_of(org, address="包头市青山区 8 号"))
    assert resp.status_code == 302
    assert resp.headers["Location"] == f"/orgs/{org.id}"
    after = fresh(org)
    assert after.address == "包头市青山区 8 号"
    assert after.status == "pending"
    assert actions(org.id) == ["create", "update"]


def test_non_member_gets_403_on_the_pages_of_another_organisation(make, signin):
    org = make.org()
    stranger = signin(make.user(Role.ENTERPRISE))
    before = fresh(org).version
    assert stranger.get(f"/orgs/{org.id}").status_code == 403
    assert stranger.get(f"/orgs/{org.id}/edit").status_code == 403
    resp = stranger.post(f"/orgs/{org.id}/edit", data=form_of(org, name="被篡改的名称"))
    assert resp.status_code == 403
    after = fresh(org)
    assert after.name != "被篡改的名称"
    assert after.version == before
    assert actions(org.id) == ["create"]


def test_403_page_is_friendly(make, signin):
    org = make.org()
    resp = signin(make.user()).get(f"/orgs/{org.id}/edit")
    assert resp.status_code == 403
    page = resp.get_data(as_text=True)
    assert 'class="display-4 text-muted">403</p>' in page
    assert org.name not in page  # nothing about the organisation leaks


def test_plain_member_may_look_but_not_edit(make, signin):
    org = make.org()
    member = make.user()
    add_member(org, member)
    c = signin(member)
    assert c.get(f"/orgs/{org.id}").status_code == 200
    assert c.get(f"/orgs/{org.id}/edit").status_code == 403
    assert c.post(f"/orgs/{org.id}/edit", data=form_of(org, address="x")).status_code == 403


def test_operator_may_open_any_organisation(make, signin):
    org = make.org()
    c = signin(make.operator())
    assert c.get(f"/orgs/{org.id}").status_code == 200
    assert c.get(f"/orgs/{org.id}/edit").status_code == 200


def test_missing_organisation_is_404(make, signin):
    c = signin(make.user())
    assert c.get("/orgs/999999").status_code == 404
    assert c.get("/orgs/999999/edit").status_code == 404


def test_editing_key_facts_of_a_verified_organisation_sends_it_back_to_pending(make, signin):
    org = make.org(status="verified")
    c = signin(owner_of(org))
    resp = c.post(f"/orgs/{org.id}/edit", data=form_of(org, name="包头稀土新材料集团有限公司"))
    assert resp.status_code == 302
    after = fresh(org)
    assert after.name == "包头稀土新材料集团有限公司"
    assert after.status == "pending"


def test_changing_the_code_of_a_verified_organisation_sends_it_back(make, signin):
    org = make.org(status="verified")
    c = signin(owner_of(org))
    new_code = code("91150207MA0QQQ7K1")
    assert c.post(f"/orgs/{org.id}/edit", data=form_of(org, credit_code=new_code)).status_code == 302
    after = fresh(org)
    assert (after.credit_code, after.status) == (new_code, "pending")


def test_claiming_a_failing_code_on_a_verified_organisation_sends_it_back(make, signin):
    org = make.org(status="verified")
    c = signin(owner_of(org))
    bad = wrong_check(code("91150207MA0QQQ7K1"))
    resp = c.post(f"/orgs/{org.id}/edit", data=form_of(org, credit_code=bad, claim_real_code="y"))
    assert resp.status_code == 302
    after = fresh(org)
    assert after.code_check_failed and after.status == "pending"


def test_editing_other_details_of_a_verified_organisation_keeps_it_verified(make, signin):
    org = make.org(status="verified")
    c = signin(owner_of(org))
    resp = c.post(f"/orgs/{org.id}/edit", data=form_of(org, contact_phone="0471-7654321", is_tech_sme="y"))
    assert resp.status_code == 302
    after = fresh(org)
    assert after.status == "verified"
    assert after.is_tech_sme and after.contact_phone == "0471-7654321"


def test_editing_a_returned_organisation_sends_it_back_to_the_queue(make, signin):
    org = make.org(status="returned")
    c = signin(owner_of(org))
    page = c.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert fresh(org).return_reason in page
    assert c.post(f"/orgs/{org.id}/edit", data=form_of(org, address="已补充地址")).status_code == 302
    assert fresh(org).status == "pending"


def test_refused_edit_changes_nothing(make, signin):
    org = make.org(status="verified")
    c = signin(owner_of(org))
    before = counts(), fresh(org).version
    resp = c.post(f"/orgs/{org.id}/edit", data=form_of(org, name="新名称", credit_code="91150207"))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert field_error(page, "credit_code")
    assert field_value(page, "name") == "新名称"
    after = fresh(org)
    assert (counts(), after.version) == before
    assert after.name == org.name and after.status == "verified"


def test_edit_cannot_take_another_organisations_code(make, signin):
    first, second = make.org(), make.org()
    c = signin(owner_of(second))
    resp = c.post(f"/orgs/{second.id}/edit", data=form_of(second, credit_code=first.credit_code))
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), "credit_code")
    assert fresh(second).credit_code != first.credit_code


def test_keeping_its_own_code_is_not_a_duplicate(make, signin):
    org = make.org()
    c = signin(owner_of(org))
    assert c.post(f"/orgs/{org.id}/edit", data=form_of(org)).status_code == 302
