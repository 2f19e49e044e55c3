"""The registrar's decision on the contract page, read with a real HTML parser: no outcome chosen for the
registrar, each outcome's fields in their own group, a label tied to its control and ids that are unique."""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup

from techmarket.accounts.services import actor_for
from techmarket.contracts import registration
from techmarket.contracts.models import Contract
from techmarket.core.roles import Role
from techmarket.extensions import db
from tests.contracts.builders import deal, registered, submitted
from tests.listings.pages_support import isolated  # noqa: F401


def parse(resp) -> BeautifulSoup:
    return BeautifulSoup(resp.get_data(as_text=True), "html.parser")


def duplicate_ids(page: BeautifulSoup) -> list[str]:
    counts = Counter(tag["id"] for tag in page.find_all(id=True))
    return [i for i, n in counts.items() if n > 1]


def test_the_decision_has_no_default_and_its_label_names_the_select(make, signin):
    contract = submitted(deal(make))
    page = parse(signin(make.user(Role.REGISTRAR)).get(f"/contracts/{contract.id}"))
    form = page.find("form", attrs={"data-testid": "decision-form"})
    select = form.find("select", attrs={"name": "decision"})
    assert duplicate_ids(page) == []
    assert page.find(id=select["id"]) is select
    label = page.find("label", attrs={"for": select["id"]})
    assert label is not None and label.get_text(strip=True) == "审核结论"
    options = select.find_all("option")
    assert options[0]["value"] == "" and options[0].get_text(strip=True) == "请选择"
    chosen = [o for o in options if o.has_attr("selected")]
    assert chosen in ([], [options[0]])
    assert select.has_attr("required")


def test_each_outcome_has_its_own_group(make, signin):
    contract = submitted(deal(make))
    page = parse(signin(make.user(Role.REGISTRAR)).get(f"/contracts/{contract.id}"))
    form = page.find("form", attrs={"data-testid": "decision-form"})
    groups = {g["data-outcome"]: g for g in form.find_all("fieldset", attrs={"data-outcome": True})}
    assert set(groups) == {"approve", "return", "refuse"}
    assert groups["return"].find(attrs={"name": "reason"}) is not None
    assert groups["refuse"].find(attrs={"name": "reasons"}) is not None
    assert groups["refuse"].find(attrs={"name": "note"}) is not None
    assert groups["approve"].find(attrs={"name": ["reason", "reasons", "note"]}) is None
    for group in groups.values():  # each group says which outcome it belongs to
        assert group.find("legend").get_text(strip=True)
    # The script that shows only the chosen group is a file (the CSP allows no inline script).
    assert page.find("script", src=lambda s: s and s.endswith("/js/contracts.js")) is not None


def test_no_outcome_chosen_is_a_clear_error_that_keeps_the_input(make, signin):
    contract = submitted(deal(make))
    registrar = signin(make.user(Role.REGISTRAR))
    resp = registrar.post(f"/contracts/{contract.id}/decide", data={
        "decision": "", "reason": "缺少技术合同原件的扫描件", "version": str(contract.version)})
    assert resp.status_code == 400
    page = parse(resp)
    select = page.find("select", attrs={"name": "decision"})
    error = page.find(id=f"{select['id']}-error")
    assert error is not None and "请选择审核结论" in error.get_text()
    assert select["aria-invalid"] == "true"
    assert page.find("textarea", attrs={"name": "reason"}).get_text().strip() == "缺少技术合同原件的扫描件"
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status == "submitted"


def test_a_return_without_the_missing_material_comes_back_with_the_message(make, signin):
    contract = submitted(deal(make))
    registrar = signin(make.user(Role.REGISTRAR))
    resp = registrar.post(f"/contracts/{contract.id}/decide", data={
        "decision": "return", "reason": "", "version": str(contract.version)})
    assert resp.status_code == 400
    page = parse(resp)
    assert page.find("option", attrs={"value": "return"}).has_attr("selected")
    assert "请说明需补正的材料" in page.find("fieldset", attrs={"data-outcome": "return"}).get_text()
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status == "submitted"


def test_a_registrar_is_led_back_to_the_queue_not_to_my_contracts(make, signin):
    d = deal(make)
    contract = submitted(d)
    crumbs = parse(signin(make.user(Role.REGISTRAR)).get(f"/contracts/{contract.id}")).find(
        attrs={"data-testid": "breadcrumb"})
    links = [a["href"] for a in crumbs.find_all("a")]
    assert links == ["/admin/contracts/"] and "我的合同" not in crumbs.get_text()
    crumbs = parse(signin(d.seller).get(f"/contracts/{contract.id}")).find(attrs={"data-testid": "breadcrumb"})
    assert [a["href"] for a in crumbs.find_all("a")] == ["/contracts/"]


def test_a_registered_contract_leads_staff_to_the_contract_search(make, signin):
    contract = registered(make, deal(make))
    crumbs = parse(signin(make.user(Role.OPERATOR)).get(f"/contracts/{contract.id}")).find(
        attrs={"data-testid": "breadcrumb"})
    assert [a["href"] for a in crumbs.find_all("a")] == ["/admin/contracts/search"]


def test_ids_are_unique_on_the_sellers_page_too(make, signin):
    d = deal(make)
    contract = submitted(d)
    registration.return_for_material(db.session, actor_for(make.user(Role.REGISTRAR)), contract, "补充附件")
    db.session.commit()
    page = parse(signin(d.seller).get(f"/contracts/{contract.id}"))
    assert page.find(attrs={"data-testid": "document-form"}) is not None
    assert page.find(attrs={"data-testid": "payment-form"}) is not None
    assert duplicate_ids(page) == []
