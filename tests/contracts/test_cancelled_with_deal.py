"""A contract whose deal was cancelled (the auction result annulled after an upheld objection) stays closed: the
seller can neither reopen, edit, submit nor change its documents, the service refuses it (not only the page), and
the page says why and offers no step."""

from __future__ import annotations

import io

import pytest
from flask import current_app

from techmarket.contracts import documents, registration, services
from techmarket.contracts.models import Contract
from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict
from techmarket.core.workflow import apply
from techmarket.extensions import db
from techmarket.trading import machines as trading_machines
from techmarket.trading import negotiation
from tests.contracts.builders import PDF, contract_data
from tests.contracts.builders import Deal as Parties
from tests.listings.pages_support import isolated  # noqa: F401
from tests.trading.builders import offer, scene

SYSTEM = Actor.system("auctions")


def _cancelled(make, *, withdraw_first: bool = False) -> tuple[Contract, object]:
    sc = scene(make)
    deal = negotiation.accept(db.session, sc.s, negotiation.open_offer(db.session, sc.b, sc.listing, sc.buyer_org.id,
                                                                       offer("800000")))
    db.session.commit()
    contract = db.session.get(Contract, deal.contract_id)
    assert contract is not None and contract.status == "draft"
    if withdraw_first:  # withdrawn by the seller before the deal was cancelled: closed too, not reopenable
        registration.withdraw(db.session, sc.s, contract)
        db.session.commit()
    apply(db.session, SYSTEM, trading_machines.DEAL, deal, "cancel", reason="异议成立：关联方参与竞买")
    db.session.commit()
    db.session.expire_all()
    assert (deal.status, contract.status) == ("cancelled", "cancelled")
    return contract, sc


@pytest.mark.parametrize("withdraw_first", [False, True])
def test_the_service_refuses_every_step_on_a_cancelled_contract(app, make, withdraw_first) -> None:
    contract, sc = _cancelled(make, withdraw_first=withdraw_first)
    assert contract.events[-1].action == "cancel"
    parties = Parties(sc.seller, sc.seller_org, sc.buyer, sc.buyer_org)
    for step in (registration.reopen, registration.submit, registration.withdraw):
        with pytest.raises(Conflict, match="不能再重新打开"):
            step(db.session, sc.s, contract)
        db.session.rollback()
    with pytest.raises(Conflict, match="不能再重新打开"):
        services.update(db.session, sc.s, contract, contract_data(parties))
    db.session.rollback()
    with pytest.raises(Conflict, match="不能再重新打开"):
        documents.add(db.session, sc.s, contract, "signed_contract", "合同.pdf", io.BytesIO(PDF),
                      instance_path=current_app.instance_path, max_bytes=1 << 20)
    db.session.rollback()
    assert db.session.get(Contract, contract.id).status == "cancelled" and not contract.documents
    assert not registration.MACHINE.actions(contract, ["seller", "registrar", "system"])


def test_the_page_says_why_and_offers_no_step(app, make, signin) -> None:
    contract, sc = _cancelled(make)
    c = signin(sc.seller)
    page = c.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert 'data-testid="cancelled"' in page and "不能再重新打开" in page
    assert f"/contracts/{contract.id}/edit" not in page and "act-reopen" not in page and "act-submit" not in page
    resp = c.get(f"/contracts/{contract.id}/edit")
    assert resp.status_code == 302
    c.get("/lang/en")
    page = c.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "It stays closed: it cannot be reopened, edited or submitted." in page
    resp = c.post(f"/contracts/{contract.id}/act/reopen", data={"version": contract.version}, follow_redirects=True)
    assert "It stays closed" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contract, contract.id).status == "cancelled"
