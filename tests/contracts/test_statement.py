"""The yearly statement service: its numbers are the policy engine's, snapshots survive rule changes, flags."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from flask import current_app

from techmarket.accounts.services import actor_for
from techmarket.contracts import payments, registration
from techmarket.contracts.data import PartyData
from techmarket.contracts.models import Contract
from techmarket.core.clock import local_today
from techmarket.core.errors import PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives import statement
from techmarket.incentives.models import Statement
from techmarket.rulesets import services as rulesets
from tests.contracts.builders import PDF, Deal, contract_data, deal, draft, registered
from tests.factories import Factories

YEAR = local_today().year
TODAY = local_today()


def licence_data(d: Deal, **overrides: Any) -> Any:
    return contract_data(d, title="稀土永磁专利独占实施许可合同", type_key="licence.patent", licence_years=6,
                         exclusivity="exclusive", **overrides)


def pay(make: Factories, contract: Contract, payer: Any, amount: str) -> None:
    """The buyer records a bank transfer against the first instalment and the operator confirms it."""
    payment = payments.record(
        db.session, actor_for(payer), contract, instalment_id=contract.instalments[0].id, paid_on=TODAY,
        amount=Decimal(amount), reference="转账", filename="回单.pdf", stream=io.BytesIO(PDF),
        instance_path=current_app.instance_path, max_bytes=1024 * 1024)
    db.session.commit()
    payments.decide(db.session, actor_for(make.operator()), payment, confirm=True)
    db.session.commit()


def backdate(contract: Contract, day: dt.date) -> None:
    """Move the registration date (registration always happens today) to test the claim windows."""
    contract.registered_on = day
    db.session.commit()


def seller_year(make: Factories) -> tuple[Deal, Contract, Contract]:
    """A seller with a patent transfer (technical 1,000,000) and a 6-year exclusive licence, both registered."""
    d = deal(make)
    transfer = registered(make, d)
    licence = registered(make, d, licence_data(d))
    return d, transfer, licence


COSTS = {"tax_basis": "300000", "accumulated_amortization": "100000", "related_taxes": "20000"}


def test_the_statement_numbers_are_the_calculators_numbers(make):
    d, transfer, licence = seller_year(make)
    costs = {transfer.id: COSTS, licence.id: {"technology_receipts": "900000", "related_taxes": "5000"}}
    inputs, res = statement.compute(db.session, d.seller_org, YEAR, costs, "0.15", today=TODAY)

    def row(c: Contract, kind: str, **given: str) -> dict[str, Any]:
        return {"id": c.registration_number, "kind": kind, "subject": "patent", "licence_years": c.licence_years or 0,
                "related_party_holding_pct": str(c.related_holding_pct or 0), "registered": True, "tax_basis": "0",
                "accumulated_amortization": "0", "amortization_for_year": "0", "related_taxes": "0",
                "apportioned_period_expenses": "0", "technology_receipts": str(c.technical_amount), **given}

    direct = rulesets.calculate(db.session, "transfer-income-tax", {
        "tax_year": YEAR, "cit_rate": "0.15",
        "contracts": [row(transfer, "ownership", **COSTS),
                      row(licence, "exclusive_licence", technology_receipts="900000", related_taxes="5000")]},
        today=TODAY)
    assert res["transfer"]["result"] == direct
    assert res["transfer"]["result"]["total_gain"] == "1675000.00"  # (1,000,000 − 200,000 − 20,000) + 895,000
    assert res["transfer"]["contract_ids"] == [transfer.id, licence.id]
    assert inputs["costs"][str(licence.id)] == {"technology_receipts": "900000", "related_taxes": "5000"}

    seller_rows = [s for s in res["subsidies"] if s["role"] == "seller"]
    assert [s["contract_id"] for s in seller_rows] == [transfer.id, licence.id]
    claim = YEAR + 2 if TODAY.month > 10 else YEAR + 1  # registered today, after 31 October: the next window
    for s, c in zip(seller_rows, (transfer, licence), strict=True):
        alone = rulesets.calculate(db.session, "transaction-subsidy", {
            "role": "seller", "technical_transaction_amount": str(c.technical_amount),
            "contract_type": c.type_code, "registered": True, "registration_date": c.registered_on.isoformat(),
            "claim_year": claim, "paid": False, "claimant_in_region": True}, today=TODAY)
        assert s["result"] == alone
    assert Decimal(res["subsidy_totals"]["seller"]) == sum(Decimal(s["result"]["subsidy"]) for s in seller_rows)
    names = {(r["name"], r["version"]) for r in res["rule_sets"]}
    assert {("transfer-income-tax", 1), ("transfer-income-scope", 1), ("transaction-subsidy", 1)} <= names


def test_buyer_subsidy_counts_confirmed_payments_and_the_claim_year_follows_the_window(make):
    d = deal(make)
    contract = registered(make, d)
    pay(make, contract, d.buyer, "800000")
    backdate(contract, dt.date(YEAR, 6, 30))
    _inputs, res = statement.compute(db.session, d.buyer_org, YEAR, {}, today=TODAY)
    (row,) = res["subsidies"]
    assert (row["role"], row["amount"], row["paid"]) == ("buyer", "800000.00", "800000.00")
    assert row["result"]["claim_year"] == YEAR + 1 and row["result"]["eligible"] is True
    assert row["result"]["subsidy"] == "80000.00"  # 10% band up to 1,000,000 (example table)
    assert res["transfer"] is None  # a buyer earns no transfer-income exemption
    assert res["subsidy_totals"]["buyer"] == res["subsidy_totals"]["total"] == "80000.00"

    backdate(contract, dt.date(YEAR, 11, 15))  # after the window of claim year + 1 closed
    _inputs, res = statement.compute(db.session, d.buyer_org, YEAR, {}, today=TODAY)
    assert res["subsidies"][0]["result"]["claim_year"] == YEAR + 2
    assert res["subsidies"][0]["result"]["eligible"] is True


def test_unpaid_buyers_get_nothing_and_agencies_and_brokers_are_attributed(make):
    agency_owner, broker_owner = make.user(Role.ENTERPRISE), make.user(Role.BROKER)
    agency = make.org(agency_owner, status="verified", name="内蒙古技术转移中心")
    agency.org_type = "transfer_agency"
    broker = make.org(broker_owner, status="verified", name="鄂尔多斯技术经纪事务所")
    db.session.commit()
    d = deal(make)
    contract = registered(make, d, contract_data(d, agency=PartyData(role="agency", organisation_id=agency.id),
                                                 broker=PartyData(role="broker", organisation_id=broker.id)))
    _i, buyer = statement.compute(db.session, d.buyer_org, YEAR, {}, today=TODAY)
    assert buyer["subsidies"][0]["result"]["eligible"] is False and buyer["subsidy_totals"]["total"] == "0.00"
    assert any(r["code"] == "paid" and not r["met"] for r in buyer["subsidies"][0]["result"]["reasons"])

    _i, res = statement.compute(db.session, agency, YEAR, {}, today=TODAY)
    assert res["attribution"]["agency"] == {"count": 1, "amount": "1000000.00"}
    (row,) = res["subsidies"]
    assert row["role"] == "agency" and row["result"]["subsidy"] == "10000.00"  # agency_rate 1% (example)
    _i, res = statement.compute(db.session, broker, YEAR, {}, today=TODAY)
    assert res["attribution"]["broker"] == {"count": 1, "amount": str(contract.technical_amount)}
    assert res["subsidies"] == [] and res["attribution"]["citation"]["clause"] == "(十一)"


def test_unregistered_and_rescinded_contracts_are_excluded(make):
    d = deal(make)
    kept = registered(make, d)
    gone = registered(make, d, contract_data(d, title="已解除的合同"))
    registration.rescind(db.session, actor_for(make.user(Role.REGISTRAR)), gone, reason="双方协商解除")
    db.session.commit()
    waiting = draft(d, contract_data(d, title="尚未登记的合同"))
    _i, res = statement.compute(db.session, d.seller_org, YEAR, {}, today=TODAY)
    assert [c["id"] for c in res["contracts"]] == [kept.id]
    assert {(e["id"], e["status"]) for e in res["excluded"]} == {(gone.id, "rescinded"), (waiting.id, "draft")}
    assert all(e["reason"] == "earns_no_benefit" for e in res["excluded"])
    assert res["transfer"]["contract_ids"] == [kept.id]


@pytest.mark.parametrize(("field", "value"), [
    ("tax_basis", "-5"), ("related_taxes", "lots"), ("accumulated_amortization", "400000"),
])
def test_bad_figures_are_field_errors_and_nothing_is_saved(make, field, value):
    d, transfer, _licence = seller_year(make)
    costs = {transfer.id: {**COSTS, field: value}}
    with pytest.raises(ValidationFailed) as caught:
        statement.save(db.session, actor_for(d.seller), d.seller_org, YEAR, costs)
    key = statement.cost_key(transfer.id, field)
    assert list(caught.value.field_errors) == [key]
    assert str(caught.value.field_errors[key])
    db.session.rollback()
    assert db.session.query(Statement).count() == 0


@pytest.mark.parametrize("year", ["1999", str(YEAR + 1), "20x6", ""])
def test_years_out_of_range_are_refused(make, year):
    d = deal(make)
    with pytest.raises(ValidationFailed) as caught:
        statement.compute(db.session, d.seller_org, year, {})
    assert "tax_year" in caught.value.field_errors


def test_only_members_save_and_staff_see(make):
    d, transfer, _licence = seller_year(make)
    for outsider in (d.buyer, make.user(Role.REGISTRAR), make.operator()):
        with pytest.raises(PermissionDenied):
            statement.save(db.session, actor_for(outsider), d.seller_org, YEAR, {})
    saved = statement.save(db.session, actor_for(d.seller), d.seller_org, YEAR, {transfer.id: COSTS}, label="2026")
    db.session.commit()
    assert statement.get(db.session, actor_for(make.user(Role.REGISTRAR)), saved.id) is saved
    with pytest.raises(Exception, match="该报表不存在"):
        statement.get(db.session, actor_for(d.buyer), saved.id)
    with pytest.raises(PermissionDenied):
        statement.everything(actor_for(d.seller))


def test_a_saved_statement_keeps_its_figures_when_the_rules_change(make):
    d, transfer, _licence = seller_year(make)
    saved = statement.save(db.session, actor_for(d.seller), d.seller_org, YEAR, {transfer.id: COSTS})
    db.session.commit()
    before = saved.result["transfer"]["result"]
    assert before["exempt"] == before["total_gain"] == "1780000.00" and before["halved"] == "0.00"

    rulesets.seed_defaults(db.session)
    latest = rulesets.latest_version(db.session, "transfer-income-tax")
    assert latest is not None
    params = {**latest.params, "exemption_threshold": "1000000.00"}
    rulesets.new_version(db.session, actor_for(make.operator()), "transfer-income-tax", params,
                         dt.date(YEAR, 1, 1), "假设的新国家规定")
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(Statement, saved.id)
    old = stored.result["transfer"]["result"]
    assert (old["exempt"], old["halved"], old["rule_sets"][0]["version"]) == ("1780000.00", "0.00", 1)
    assert {"name": "transfer-income-tax", "version": 1} in [
        {"name": r["name"], "version": r["version"]} for r in stored.rule_sets]
    _i, fresh = statement.compute(db.session, d.seller_org, YEAR, {transfer.id: COSTS})
    new = fresh["transfer"]["result"]
    assert (new["exempt"], new["halved"], new["rule_sets"][0]["version"]) == ("1000000.00", "780000.00", 2)
    with pytest.raises(RuntimeError):
        stored.label = "changed"
        db.session.flush()
    db.session.rollback()


def test_amending_or_rescinding_a_used_contract_flags_the_saved_statement(make):
    d, transfer, licence = seller_year(make)
    saved = statement.save(db.session, actor_for(d.seller), d.seller_org, YEAR, {})
    db.session.commit()
    registrar = make.user(Role.REGISTRAR)
    registration.amend(db.session, actor_for(registrar), transfer, reason="补充协议调整价款",
                       total_amount=Decimal("1500000"), technical_amount=Decimal("1300000"))
    registration.rescind(db.session, actor_for(registrar), licence, reason="许可合同解除")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Statement, saved.id)
    assert [(f.contract_id, f.action) for f in stored.flags] == [(transfer.id, "amend"), (licence.id, "rescind")]
    assert stored.result["contracts"][0]["technical_amount"] == "1000000.00"  # the snapshot stays
