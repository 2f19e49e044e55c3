from __future__ import annotations

from tests.contracts.builders import deal, registered


def test_a_contract_registers(app, make):
    d = deal(make)
    contract = registered(make, d)
    assert contract.status == "registered"
    assert contract.registration_number
    assert contract.technical_amount == contract.total_amount - contract.non_technical_amount
    assert {p.role for p in contract.parties} == {"seller", "buyer"}
    assert contract.buyer.organisation_id == d.buyer_org.id
