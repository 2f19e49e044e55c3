"""Webhooks of the market's other domains: a claim decision delivered to a real HTTP server (its organisation
only), and the public facts of an auction closed and a call awarded."""

from __future__ import annotations

import json

from techmarket.accounts.services import actor_for
from techmarket.extensions import db
from techmarket.incentives.claims import claiming, review
from techmarket.webhooks import catalogue, services
from tests.api.support import receiver
from tests.api.test_market_api import _open_auction
from tests.challenges.builders import awarded
from tests.incentives.support import claim, setup

DECIDED = ["subsidy_claim.approved", "subsidy_claim.refused", "subsidy_claim.returned"]


def test_a_returned_claim_is_delivered_to_its_organisation_only(make) -> None:
    s = setup(make)
    mine = claim(s)
    with receiver() as buyer_hook, receiver() as seller_hook:
        services.subscribe(db.session, actor_for(s.d.buyer), s.d.buyer_org, buyer_hook.url, DECIDED,
                           allow_private=True)
        services.subscribe(db.session, actor_for(s.d.seller), s.d.seller_org, seller_hook.url, DECIDED,
                           allow_private=True)
        db.session.commit()
        claiming.submit(db.session, actor_for(s.d.buyer), mine)
        db.session.commit()
        review.decide(db.session, actor_for(s.county), mine, "pre_return", "请补充付款凭证")
        db.session.commit()
        assert seller_hook.received == []
        [(headers, body)] = buyer_hook.received
    event = json.loads(body)
    assert headers["Techmarket-Event"] == event["type"] == "subsidy_claim.returned"
    assert event["data"]["id"] == mine.id and event["data"]["reason"] == "请补充付款凭证"
    assert event["data"]["status"] == "returned"


def test_auction_and_call_rows_tell_public_facts_to_those_with_a_stake(make) -> None:
    sc, _op, auction, bidder = _open_auction(make)
    row = catalogue.BY_NAME["auction.closed"]
    assert row.organisations(db.session, auction.id) == sorted({sc.seller_org.id, sc.buyer_org.id})
    data = row.payload(db.session, auction.id)
    assert data["id"] == auction.id and sc.buyer_org.name not in json.dumps(data, ensure_ascii=False)
    assert {e.name for e in catalogue.EVENT_TYPES} >= {"auction.closed", "call.awarded", *DECIDED}
    assert catalogue.BY_NAME["call.awarded"].organisations(db.session, 0) == []
    s, app = awarded(make)
    awarded_row = catalogue.BY_NAME["call.awarded"]
    assert awarded_row.organisations(db.session, s.call.id) == sorted({s.poster_org.id, s.applicant_org.id})
    facts = awarded_row.payload(db.session, s.call.id)
    assert facts["winners"] == [{"application_id": app.id, "organisation": s.applicant_org.name}]
    assert "配方数据" not in json.dumps(facts, ensure_ascii=False) and bidder.pseudonym
