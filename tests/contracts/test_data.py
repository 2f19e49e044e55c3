"""What a contract must say before it is saved: amounts, parties, subject and dates; nothing half-saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from techmarket.accounts.services import actor_for
from techmarket.contracts import services
from techmarket.contracts.data import InstalmentData, NonTechData, PartyData
from techmarket.contracts.models import Contract, ContractParty
from techmarket.core.clock import local_today
from techmarket.core.errors import ValidationFailed
from techmarket.extensions import db
from tests.contracts.builders import contract_data, deal


def errors_of(make, **overrides) -> dict:
    d = deal(make)
    data = contract_data(d, **overrides) if not callable(overrides.get("_build")) else overrides["_build"](d)
    with pytest.raises(ValidationFailed) as err:
        services.create(db.session, actor_for(d.seller), data)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Contract.id))) == 0
    assert db.session.scalar(db.select(db.func.count(ContractParty.id))) == 0
    return err.value.field_errors


@pytest.mark.parametrize(("overrides", "field"), [
    ({"total_amount": Decimal("-1")}, "total_amount"),
    ({"total_amount": None}, "total_amount"),
    ({"total_amount": Decimal("0")}, "total_amount"),
    ({"non_tech": [NonTechData("equipment", Decimal("2000000"))], "instalments": []}, "total_amount"),
    ({"non_tech": [NonTechData("jewellery", Decimal("10"))]}, "non_tech.0.category"),
    ({"instalments": [InstalmentData(local_today(), Decimal("1"))]}, "instalments"),
    ({"instalments": [InstalmentData(local_today() - dt.timedelta(days=400), Decimal("1200000"))]},
     "instalments.0.due_on"),
    ({"type_key": "transfer.nonsense"}, "type_key"),
    ({"type_key": "licence.patent"}, "exclusivity"),
    ({"type_key": "licence.patent", "exclusivity": "exclusive"}, "licence_years"),
    ({"fiscal_funded": True}, "approval_document"),
    ({"related_holding_pct": Decimal("120")}, "related_holding_pct"),
    ({"signed_on": local_today() + dt.timedelta(days=3)}, "signed_on"),
    ({"starts_on": dt.date(2026, 5, 1), "ends_on": dt.date(2026, 4, 1)}, "ends_on"),
    ({"title": "x"}, "title"),
])
def test_bad_contract_input_names_the_field(make, overrides, field):
    assert field in errors_of(make, **overrides)


@pytest.mark.parametrize(("code", "fragment"), [
    ("91150207MA0N2QXX9", "18"),  # wrong length
    ("91150207MA0N2QXXIO", "I"),  # forbidden letters
    ("91150207MA0N2QXX90", "校验"),  # wrong check character (in Chinese: 校验位)
])
def test_an_outside_party_with_a_bad_code(make, code, fragment):
    def build(d):
        return contract_data(d, buyer=PartyData(role="buyer", name="外省某科技公司", credit_code=code,
                                                nature="private"))

    errors = errors_of(make, _build=build)
    assert "buyer.credit_code" in errors


def test_outside_and_foreign_parties_are_kept_as_written(make):
    d = deal(make)
    data = contract_data(d, buyer=PartyData(role="buyer", name="Fraunhofer-Institut für Lasertechnik",
                                            country="Germany", foreign_registration="VR 4461",
                                            nature="foreign"),
                         broker=PartyData(role="broker", name="包头技术经纪服务中心", nature="private",
                                          credit_code="91150207MA0N2QXX9J"))
    try:
        contract = services.create(db.session, actor_for(d.seller), data)
    except ValidationFailed as exc:
        # the broker code above may fail its check; then it must be the only complaint
        assert set(exc.field_errors) == {"broker.credit_code"}
        db.session.rollback()
        data.broker = None
        contract = services.create(db.session, actor_for(d.seller), data)
    db.session.commit()
    buyer = contract.buyer
    assert buyer.country == "Germany" and buyer.foreign_registration == "VR 4461" and buyer.credit_code is None
    assert contract.seller.organisation_id == d.seller_org.id and contract.seller.division_code == "150207"


def test_only_members_of_a_verified_local_seller_create(make):
    d = deal(make)
    other = make.org(status="pending")
    for org_id in (other.id, d.buyer_org.id):
        data = contract_data(d, seller=PartyData(role="seller", organisation_id=org_id))
        with pytest.raises(ValidationFailed) as err:
            services.create(db.session, actor_for(d.seller), data)
        db.session.rollback()
        assert "seller_org_id" in err.value.field_errors


def test_buyer_cannot_be_the_seller(make):
    d = deal(make)
    data = contract_data(d, buyer=PartyData(role="buyer", credit_code=d.seller_org.credit_code))
    with pytest.raises(ValidationFailed) as err:
        services.create(db.session, actor_for(d.seller), data)
    assert "buyer.credit_code" in err.value.field_errors


def test_technical_amount_is_total_less_non_technical_parts(make):
    d = deal(make)
    data = contract_data(d, total_amount=Decimal("3000000"),
                         non_tech=[NonTechData("equipment", Decimal("500000")),
                                   NonTechData("raw_materials", Decimal("250000.50"))],
                         instalments=[])
    contract = services.create(db.session, actor_for(d.seller), data)
    db.session.commit()
    assert contract.non_technical_amount == Decimal("750000.50")
    assert contract.technical_amount == Decimal("2249999.50")
