"""What the listing form suggests: every example it shows is valid, and it prefills nothing made up."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from techmarket.demo.data import ORGANISATIONS
from techmarket.demo.loader import _data as demo_org_data
from techmarket.listings import patents
from tests.factories import Factories
from tests.listings.pages_support import client_for, html, isolated  # noqa: F401 - autouse fixture

# A CNIPA application number as people write it: optional ZL/CN, 12 or 8 digits, a point, the check digit.
PATENT_LIKE = re.compile(r"(?:ZL|CN)?(?:\d{12}|\d{8})\s?[.．]\s?[0-9X]")


def _examples(page: str) -> list[str]:
    """Patent numbers in the page's text and in its inputs' placeholders and values."""
    soup = BeautifulSoup(page, "html.parser")
    texts = [soup.get_text(" ")]
    texts += [str(el.get(attr, "")) for el in soup.find_all(["input", "textarea"]) for attr in ("placeholder",
                                                                                              "value", "title")]
    return [m.group(0) for text in texts for m in PATENT_LIKE.finditer(text)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["achievement", "demand"])
def test_every_example_patent_number_on_the_form_passes_the_cnipa_check(app: Flask, make: Factories, lang: str,
                                                                         kind: str) -> None:
    org = make.org(status="verified")
    c = client_for(app, org.memberships[0].user)
    page = html(c.get(f"/listings/new/{kind}", headers={"Accept-Language": lang}))
    found = _examples(page)
    if kind == "achievement":
        assert found, "the achievement form shows an example patent number"
    assert all(patents.check(n).valid for n in found), [(n, patents.check(n).problem_en) for n in found]


def test_the_check_digit_messages_give_valid_examples() -> None:
    bad = patents.check("not a number")
    found = PATENT_LIKE.findall(bad.problem_en) + PATENT_LIKE.findall(bad.problem_zh)
    assert len(found) == 4 and all(patents.check(n).valid for n in found)


def _inputs(page: str) -> dict[str, dict[str, str]]:
    soup = BeautifulSoup(page, "html.parser")
    return {name: {"value": str(el.get("value", "")), "placeholder": str(el.get("placeholder", ""))}
            for name in ("contact_name", "contact_phone", "contact_email")
            for el in [soup.find("input", attrs={"name": name})] if el is not None}


def test_contact_fields_start_from_the_user_when_the_organisation_gives_none(app: Flask, make: Factories) -> None:
    owner = make.user(name="高晓东", email="gao@example.cn")
    org = make.org(owner, status="verified")
    assert (org.contact_name, org.contact_phone, org.contact_email) == ("", "", "")
    fields = _inputs(html(client_for(app, owner).get("/listings/new/demand")))
    assert fields["contact_name"]["value"] == "高晓东"
    assert fields["contact_email"]["value"] == "gao@example.cn"
    assert fields["contact_phone"]["value"] == ""  # nothing known: left empty, with a hint only
    assert all(f["placeholder"] for f in fields.values())


def test_contact_fields_start_from_the_organisation(app: Flask, make: Factories) -> None:
    owner = make.user(name="高晓东", email="gao@example.cn")
    org = make.org(owner, status="verified", contact_name="白经理", contact_phone="0472-5123456",
                   contact_email="office@example.cn")
    assert org.contact_name == "白经理"
    fields = _inputs(html(client_for(app, owner).get("/listings/new/achievement")))
    assert [fields[n]["value"] for n in ("contact_name", "contact_phone", "contact_email")] == [
        "白经理", "0472-5123456", "office@example.cn"]


def test_demo_organisations_have_no_placeholder_contacts() -> None:
    contacts = [(d.contact_name, d.contact_phone, d.contact_email) for d in map(demo_org_data, ORGANISATIONS)]
    assert all(name and phone and email for name, phone, email in contacts)
    assert not any(name == "联系人" or re.search(r"-0{6,}$", phone) for name, phone, _ in contacts)
    assert len({phone for _, phone, _ in contacts}) == len(contacts)
