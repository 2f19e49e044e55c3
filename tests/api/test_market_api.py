"""Calls, auctions (read and bid), certificate verification and subsidy claims through ``/api/v1``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from techmarket.accounts.services import actor_for
from techmarket.challenges import calls
from techmarket.core.clock import utcnow
from techmarket.extensions import db
from techmarket.trading import deposits
from techmarket.trading.auctions import services as auctions
from tests.api.support import bearer, make_token
from tests.challenges.builders import call_data
from tests.challenges.builders import scene as call_scene
from tests.incentives.support import claim, setup
from tests.trading.builders import scene as trade_scene


def test_calls_public_facts_only_and_drafts_for_their_poster(client, make) -> None:
    s = call_scene(make)
    draft = calls.create(db.session, s.p, call_data(s.poster_org.id, title="未发布的榜单"))
    db.session.commit()
    items = client.get("/api/v1/calls?region=150200&status=open").get_json()["items"]
    assert [c["id"] for c in items] == [s.call.id]
    assert client.get("/api/v1/calls?region=150500").get_json()["items"] == []
    one = client.get(f"/api/v1/calls/{s.call.id}")
    assert one.status_code == 200 and one.get_json()["accepting"] is True
    assert "配方数据" not in one.get_data(as_text=True) and "confidential_details" not in one.get_json()
    assert client.get(f"/api/v1/calls/{draft.id}").status_code == 404
    poster = make_token(s.poster, "read", org=s.poster_org)
    assert client.get(f"/api/v1/calls/{draft.id}", headers=bearer(poster)).get_json()["status"] == "draft"
    assert client.get("/api/v1/calls?bounty_min=abc").get_json()["error"]["fields"]["bounty_min"]
    applicant = make_token(s.applicant, "calls:apply", org=s.applicant_org)
    url = f"/api/v1/calls/{s.call.id}/applications"
    body = {"organisation_id": s.applicant_org.id, "title": "高矫顽力磁体方案", "budget": "3000000",
            "sections": {"c1": "晶界扩散", "c2": "教授团队"}, "submit": True,
            "milestones": [{"deliverable": "小试样品", "due_on": "2027-06-30", "criteria": "矫顽力≥18kOe",
                            "share": "40"},
                           {"deliverable": "中试验收", "due_on": "2027-12-31", "criteria": "矫顽力≥20kOe",
                            "share": "60"}]}
    incomplete = client.post(url, json=body | {"milestones": []}, headers=bearer(applicant))
    assert incomplete.status_code == 400, incomplete.get_data(as_text=True)
    made = client.post(url, json=body, headers=bearer(applicant))
    assert made.status_code == 201, made.get_data(as_text=True)
    assert made.get_json()["status"] == "submitted" and made.get_json()["lead_organisation_id"] == s.applicant_org.id
    own = make_token(s.poster, "calls:apply", org=s.poster_org)
    assert client.post(url, json=body | {"organisation_id": s.poster_org.id}, headers=bearer(own)).status_code == 403
    assert client.post(url, json=body, headers=bearer(own)).status_code == 403  # another organisation's id
    assert client.post(url, json=body, headers=bearer(poster)).status_code == 403  # scope read only


def _open_auction(make):
    sc = trade_scene(make)
    now = utcnow()
    op = actor_for(make.operator())
    data = auctions.AuctionData(mode="english", trade_mode="transfer", start_price=D("100000"),
                                increment=D("5000"), starts_at=now - dt.timedelta(minutes=5),
                                free_ends_at=now + dt.timedelta(hours=2), reserve=None,
                                deposit_amount=D("10000"), timed_minutes=30)
    auction = auctions.create(db.session, sc.s, sc.listing, data, now=now - dt.timedelta(days=1))
    auctions.approve(db.session, op, auction)
    bidder = auctions.register(db.session, sc.b, auction, None, agreement=True, now=now)
    auctions.qualify(db.session, op, bidder)
    db.session.commit()
    return sc, op, auction, bidder


def test_auctions_read_by_pseudonym_and_bid_once_per_key(client, make) -> None:
    sc, op, auction, bidder = _open_auction(make)
    listed = client.get("/api/v1/auctions").get_json()["items"]
    assert [a["id"] for a in listed] == [auction.id]
    token = make_token(sc.buyer, "auctions:bid", org=sc.buyer_org)
    url = f"/api/v1/auctions/{auction.id}/bids"
    assert client.post(url, json={"amount": "100000"}, headers=bearer(token)).status_code == 400  # no key
    unpaid = client.post(url, json={"amount": "100000"}, headers=bearer(token) | {"Idempotency-Key": "k1"})
    assert unpaid.status_code == 403 and unpaid.get_json()["error"]["code"] == "forbidden"
    deposit = deposits.deposit_for(db.session, auction, bidder.organisation_id)
    deposits.secure(db.session, op, deposit, gateway="offline", reference="BANK-1")
    db.session.commit()
    headers = bearer(token) | {"Idempotency-Key": "k1"}
    first = client.post(url, json={"amount": "100000"}, headers=headers)
    assert first.status_code == 201, first.get_data(as_text=True)
    again = client.post(url, json={"amount": "100000"}, headers=headers)
    assert again.status_code == 200 and again.get_json()["repeated"] and \
        again.get_json()["bid"]["id"] == first.get_json()["bid"]["id"]
    off = client.post(url, json={"amount": "101000"}, headers=bearer(token) | {"Idempotency-Key": "k2"})
    assert off.status_code == 400 and off.get_json()["error"]["fields"]["amount"]
    reader = make_token(sc.buyer, "read")
    assert client.post(url, json={"amount": "110000"},
                       headers=bearer(reader) | {"Idempotency-Key": "k3"}).status_code == 403
    seller = make_token(sc.seller, "auctions:bid", org=sc.seller_org)
    assert client.post(url, json={"amount": "110000"},
                       headers=bearer(seller) | {"Idempotency-Key": "k4"}).status_code == 403
    one = client.get(f"/api/v1/auctions/{auction.id}").get_json()
    assert one["bidders"] == [bidder.pseudonym] and one["bids"][0]["bidder"] == bidder.pseudonym
    assert sc.buyer_org.name not in client.get(f"/api/v1/auctions/{auction.id}").get_data(as_text=True)
    status = client.get(f"/api/v1/auctions/{auction.id}/status").get_json()
    assert (status["high"], status["high_bidder"], status["bid_count"]) == ("100000.00", bidder.pseudonym, 1)


def test_certificate_verification_like_the_check_page(app, client, make) -> None:
    contract = make.contract("registered")
    url = "/api/v1/certificates/verify"
    found = client.get(url, query_string={"number": contract.registration_number,
                                          "code": contract.verification_code}).get_json()
    assert found["state"] == "registered" and {p["name"] for p in found["parties"]} == \
        {p.name for p in contract.parties} and found["technical_amount"] == str(contract.technical_amount)
    wrong = client.get(url, query_string={"number": contract.registration_number, "code": "WRONG-CODE"})
    unknown = client.get(url, query_string={"number": "2099150000000001", "code": contract.verification_code})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()


def test_claims_of_the_token_organisation_only(client, make) -> None:
    s = setup(make)
    mine = claim(s)
    buyer = make_token(s.d.buyer, "claims:read", org=s.d.buyer_org)
    seller = make_token(s.d.seller, "claims:read", org=s.d.seller_org)
    county = make_token(s.county, "claims:read")
    items = client.get("/api/v1/claims", headers=bearer(buyer)).get_json()["items"]
    assert [c["id"] for c in items] == [mine.id] and items[0]["contracts"][0]["contract_id"] == s.contract.id
    assert client.get("/api/v1/claims", headers=bearer(seller)).get_json()["items"] == []
    assert client.get(f"/api/v1/claims/{mine.id}", headers=bearer(seller)).status_code == 404
    assert client.get(f"/api/v1/claims/{mine.id}", headers=bearer(county)).status_code == 404  # no queue here
    assert client.get(f"/api/v1/claims/{mine.id}", headers=bearer(buyer)).status_code == 200
    assert client.get("/api/v1/claims").status_code == 401
