"""Registering an organisation through the web form, good and bad input."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from techmarket.extensions import db
from techmarket.orgs.models import Membership, Organisation
from tests.accounts.support import field_error, field_value, reread
from tests.orgs.support import actions, code, counts, org_form, wrong_check

XIAOMI = "91110108551385082Q"  # a real Beijing code (checked in test_creditcode.py)


@pytest.fixture()
def owner(make):
    return make.user()


@pytest.fixture()
def web(owner, signin):
    return signin(owner)


def refused(web, data: dict, field: str) -> str:
    """Post the form, expect it back with an error beside ``field``, and nothing written."""
    before = counts()
    resp = web.post("/orgs/new", data=data)
    assert resp.status_code == 400, resp.status_code
    page = resp.get_data(as_text=True)
    error = field_error(page, field)
    assert error, f"no error beside {field}"
    assert counts() == before, "a refused form left rows behind"
    assert field_value(page, "name") == data["name"]  # the user's input is kept
    return page


def test_register_a_local_organisation(web, owner):
    data = org_form(is_high_tech="y", high_tech_cert_date="2022-11-29", is_tech_sme="y", listing_board="star")
    resp = web.post("/orgs/new", data=data)
    assert resp.status_code == 302
    reread()
    org = db.session.scalar(select(Organisation))
    assert resp.headers["Location"] == f"/orgs/{org.id}"
    assert org.name == data["name"]
    assert org.credit_code == data["credit_code"]
    assert org.status == "pending"
    assert org.division_code == "150207"
    assert org.province is None and org.country is None
    assert org.is_high_tech and org.high_tech_cert_date == dt.date(2022, 11, 29)
    assert org.is_tech_sme and not org.relocated and org.listing_board == "star"
    assert not org.code_check_failed
    member = db.session.scalar(select(Membership))
    assert (member.organisation_id, member.user_id, member.role) == (org.id, owner.id, "owner")
    assert actions(org.id) == ["create"]
    page = web.get(f"/orgs/{org.id}").get_data(as_text=True)
    assert data["name"] in page
    assert 'data-testid="org-status"' in page
    mine = web.get("/orgs/").get_data(as_text=True)
    assert data["name"] in mine


def test_form_page_renders(web):
    resp = web.get("/orgs/new")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'data-testid="org-form"' in page
    # divisions come from the database, banners/counties grouped under their league or city
    assert re.search(r'<optgroup label="包头市">\s*<option[^>]*value="150200"', page)
    assert re.search(r'<option[^>]*value="150207"[^>]*>九原区</option>', page)
    assert re.search(r'<optgroup label="阿拉善盟">', page)
    assert page.count("<optgroup") == 12


def test_chosen_division_stays_selected_when_the_form_comes_back(web):
    resp = web.post("/orgs/new", data=org_form(division_code="152921", credit_code="91150"))
    assert resp.status_code == 400
    assert re.search(r'<option[^>]*selected[^>]*value="152921"|<option[^>]*value="152921"[^>]*selected',
                     resp.get_data(as_text=True))


def test_lower_case_code_is_stored_upper_case(web):
    data = org_form(credit_code=" " + code("91150100MA0N3K2F4").lower() + " ")
    assert web.post("/orgs/new", data=data).status_code == 302
    reread()
    assert db.session.scalar(select(Organisation.credit_code)) == code("91150100MA0N3K2F4")


def test_wrong_check_character_names_the_expected_character(web):
    good = code("91150207MA0XTU7K1")
    page = refused(web, org_form(credit_code=wrong_check(good)), "credit_code")
    error = field_error(page, "credit_code")
    assert good[17] in error
    assert field_value(page, "credit_code") == wrong_check(good)


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters_are_refused(web, letter):
    good = code("91150207MA0XTU7K1")
    bad = good[:12] + letter + good[13:]
    page = refused(web, org_form(credit_code=bad), "credit_code")
    assert letter in field_error(page, "credit_code")
    # ticking "my code is real" does not help: only a wrong check character may be overridden
    refused(web, org_form(credit_code=bad, claim_real_code="y"), "credit_code")


@pytest.mark.parametrize("bad", ["", "91150207MA0XTU7K", "91150207MA0XTU7K1XX", "9" * 40])
def test_wrong_length_is_refused(web, bad):
    page = refused(web, org_form(credit_code=bad), "credit_code")
    assert "18" in field_error(page, "credit_code")


def test_over_long_code_field_is_refused(web):
    refused(web, org_form(credit_code="9" * 41), "credit_code")


def test_duplicate_code_is_refused(web, make):
    existing = make.org()
    refused(web, org_form(credit_code=existing.credit_code), "credit_code")
    refused(web, org_form(credit_code=existing.credit_code.lower()), "credit_code")


def test_claimed_real_code_goes_to_the_operator_flagged(web):
    bad = wrong_check(code("91150100MA0N3K2F4"))
    resp = web.post("/orgs/new", data=org_form(credit_code=bad, claim_real_code="y"))
    assert resp.status_code == 302
    reread()
    org = db.session.scalar(select(Organisation))
    assert org.credit_code == bad
    assert org.code_check_failed
    assert org.status == "pending"
    assert org.code_override_reason is None


def test_claim_is_ignored_for_a_valid_code(web):
    assert web.post("/orgs/new", data=org_form(claim_real_code="y")).status_code == 302
    reread()
    assert not db.session.scalar(select(Organisation)).code_check_failed


@pytest.mark.parametrize("division", ["159999", "150000", "", "110108", "1502071", "<script>"])
def test_unknown_or_unsuitable_division_is_refused(web, division):
    refused(web, org_form(division_code=division), "division_code")


def test_county_and_league_and_development_zone_divisions_are_accepted(web):
    for n, division in enumerate(("150100", "152921", "150271")):
        data = org_form(name=f"测试单位{n}", division_code=division,
                        credit_code=code(f"9115{division[2:]}MA0N3K2F{n}"))
        assert web.post("/orgs/new", data=data).status_code == 302, division
    reread()
    assert sorted(db.session.scalars(select(Organisation.division_code))) == ["150100", "150271", "152921"]


def test_domestic_organisation_gives_its_province(web):
    data = org_form(name="北京某科技有限公司", region_kind="domestic", credit_code=XIAOMI, province="北京市",
                    division_code="")
    assert web.post("/orgs/new", data=data).status_code == 302
    reread()
    org = db.session.scalar(select(Organisation))
    assert (org.region_kind, org.province, org.division_code, org.credit_code) == (
        "domestic", "北京市", None, XIAOMI)


def test_domestic_organisation_without_a_valid_province_is_refused(web):
    base = {"name": "北京某科技有限公司", "region_kind": "domestic", "credit_code": XIAOMI}
    refused(web, org_form(**base, province=""), "province")
    refused(web, org_form(**base, province="火星省"), "province")


def test_domestic_organisation_needs_a_valid_code(web):
    refused(web, org_form(name="北京某科技有限公司", region_kind="domestic", province="北京市",
                              credit_code=wrong_check(XIAOMI)), "credit_code")


def test_organisation_abroad_gives_country_and_registration(web):
    data = org_form(name="Fraunhofer-Gesellschaft e.V.", org_type="institute", region_kind="abroad",
                    country="Deutschland", foreign_registration="VR 4461", credit_code="", division_code="")
    assert web.post("/orgs/new", data=data).status_code == 302
    reread()
    org = db.session.scalar(select(Organisation))
    assert (org.region_kind, org.country, org.foreign_registration) == ("abroad", "Deutschland", "VR 4461")
    assert org.credit_code is None and org.division_code is None and org.province is None


def test_two_organisations_abroad_may_both_have_no_credit_code(web):
    for n in range(2):
        data = org_form(name=f"Overseas Lab {n}", region_kind="abroad", country="Mongolia",
                        foreign_registration=f"MN-{n}", credit_code="")
        assert web.post("/orgs/new", data=data).status_code == 302
    assert counts()[0] == 2


def test_organisation_abroad_without_registration_or_country_is_refused(web):
    base = {"name": "Overseas Lab", "region_kind": "abroad", "credit_code": ""}
    refused(web, org_form(**base, country="Mongolia", foreign_registration=""), "foreign_registration")
    refused(web, org_form(**base, country="", foreign_registration="MN-1"), "country")


def test_high_tech_without_certificate_date_is_refused(web):
    refused(web, org_form(is_high_tech="y"), "high_tech_cert_date")


def test_high_tech_certificate_date_in_the_future_or_malformed_is_refused(web):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    refused(web, org_form(is_high_tech="y", high_tech_cert_date=future), "high_tech_cert_date")
    refused(web, org_form(is_high_tech="y", high_tech_cert_date="2022-13-45"), "high_tech_cert_date")


def test_relocated_without_a_sensible_year_is_refused(web):
    refused(web, org_form(relocated="y"), "first_revenue_year")
    refused(web, org_form(relocated="y", first_revenue_year="1980"), "first_revenue_year")
    refused(web, org_form(relocated="y", first_revenue_year=str(dt.date.today().year + 2)),
            "first_revenue_year")
    refused(web, org_form(relocated="y", first_revenue_year="twenty"), "first_revenue_year")


def test_relocated_with_a_year_is_kept_and_unticked_facts_are_dropped(web):
    data = org_form(relocated="y", first_revenue_year="2019", high_tech_cert_date="2020-01-01")
    assert web.post("/orgs/new", data=data).status_code == 302
    reread()
    org = db.session.scalar(select(Organisation))
    assert org.relocated and org.first_revenue_year == 2019
    assert not org.is_high_tech and org.high_tech_cert_date is None  # the box was not ticked


@pytest.mark.parametrize(("field", "value"), [
    ("name", "名" * 201),
    ("name", "x"),
    ("address", "路" * 301),
    ("contact_name", "人" * 101),
    ("contact_phone", "1" * 33),
    ("contact_email", "not-an-email"),
    ("country", "C" * 101),
])
def test_over_long_and_malformed_fields_are_refused(web, field, value):
    data = org_form(**{field: value})
    before = counts()
    resp = web.post("/orgs/new", data=data)
    assert resp.status_code == 400
    assert field_error(resp.get_data(as_text=True), field)
    assert counts() == before


@pytest.mark.parametrize(("field", "value"), [
    ("org_type", "company"),
    ("region_kind", "moon"),
    ("listing_board", "nasdaq"),
])
def test_values_outside_the_lists_are_refused(web, field, value):
    before = counts()
    resp = web.post("/orgs/new", data=org_form(**{field: value}))
    assert resp.status_code == 400
    assert counts() == before


def test_several_errors_at_once_are_all_shown_and_nothing_is_written(web):
    data = org_form(credit_code="9115", division_code="159999", is_high_tech="y", relocated="y")
    before = counts()
    resp = web.post("/orgs/new", data=data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    for field in ("credit_code", "division_code", "high_tech_cert_date", "first_revenue_year"):
        assert field_error(page, field), field
    assert counts() == before


def test_registering_needs_sign_in(client):
    resp = client.post("/orgs/new", data=org_form())
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/account/login")
    assert counts()[0] == 0
