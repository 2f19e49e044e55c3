"""Webhooks end to end: a token-holding client posts a listing and follows it through moderation by webhook,
delivered signed to a real HTTP server on 127.0.0.1; failures are kept and retried with backoff, and replayed."""

from __future__ import annotations

import datetime as dt
import json
import time

from techmarket.accounts.services import actor_for
from techmarket.core import jobs
from techmarket.core.clock import utcnow
from techmarket.extensions import db
from techmarket.listings import engagement
from techmarket.listings import services as listings
from techmarket.listings.models import Listing
from techmarket.webhooks import services, signing, tasks
from techmarket.webhooks.models import WebhookDelivery
from tests.api.support import bearer, make_token, receiver
from tests.api.test_api_v1 import LISTING
from tests.listings.builders import OPERATOR


def test_a_listing_followed_through_moderation_by_webhook(app, client, make) -> None:
    app.extensions["techmarket.jobs"] = jobs.LocalQueue(app)  # the real runner: a job table, worked by drain
    owner = make.user()
    org = make.org(owner, status="verified")
    secret = make_token(owner, "listings:write", "webhooks:write", org=org)
    with receiver() as hook:
        made = client.post("/api/v1/webhooks", headers=bearer(secret), json={
            "url": hook.url, "event_types": ["listing.published", "listing.returned", "inquiry.received"]})
        assert made.status_code == 201, made.get_data(as_text=True)
        signing_secret = made.get_json()["secret"]
        listed = client.get("/api/v1/webhooks", headers=bearer(secret)).get_json()["items"]
        assert [s["url"] for s in listed] == [hook.url] and "secret" not in listed[0]
        assert client.post("/api/v1/webhooks", headers=bearer(secret),
                           json={"url": "gopher://x", "event_types": ["nope"]}).status_code == 400
        first = client.post("/api/v1/listings", json=LISTING | {"submit": True}, headers=bearer(secret)).get_json()
        second = client.post("/api/v1/listings", json=LISTING | {"submit": True, "title": "第二项稀土冷却技术"},
                             headers=bearer(secret)).get_json()
        assert hook.received == []  # submitting is not a subscribed event
        listings.transition(db.session, OPERATOR, db.session.get(Listing, first["id"]), "approve")
        db.session.commit()
        listings.transition(db.session, OPERATOR, db.session.get(Listing, second["id"]), "return",
                            reason="请补充技术指标")
        db.session.commit()
        assert hook.received == []  # committed and queued: nothing is sent by the unit of work itself
        assert jobs.drain(app) >= 4  # two fan-outs and two deliveries (and the mail of the notifications)
        assert len(hook.received) == 2
        for headers, body in hook.received:
            assert signing.verify(signing_secret, headers[signing.HEADER], body, int(time.time()))
            assert not signing.verify("whsec_wrong", headers[signing.HEADER], body, int(time.time()))
            assert not signing.verify(signing_secret, headers[signing.HEADER], body, int(time.time()) + 3600)
        events = [json.loads(body) for _h, body in hook.received]
        assert [(e["type"], e["data"]["id"]) for e in events] == [("listing.published", first["id"]),
                                                                  ("listing.returned", second["id"])]
        assert events[1]["data"]["return_reason"] == "请补充技术指标"
        asker = make.user()
        asking = make.org(asker, status="verified")
        engagement.ask(db.session, actor_for(asker), db.session.get(Listing, first["id"]), asking, "请问能否许可？")
        db.session.commit()
        jobs.drain(app)
        inquiry = json.loads(hook.received[-1][1])
        assert inquiry["type"] == "inquiry.received" and inquiry["data"]["from_organisation"]["id"] == asking.id
    assert client.get(f"/api/v1/listings/{first['id']}").get_json()["status"] == "published"
    logged = db.session.query(WebhookDelivery).order_by(WebhookDelivery.id).all()
    assert [(d.status, d.response_status, d.response_body) for d in logged] == [("delivered", 200, "thanks")] * 3


def test_failures_are_logged_retried_with_backoff_and_replayable(make) -> None:
    owner = make.user()
    org = make.org(owner, status="verified")
    with receiver(status=500) as hook:
        services.subscribe(db.session, actor_for(owner), org, hook.url, ["listing.published"],
                                   allow_private=True)
        db.session.commit()
        make.listing(org)  # published: one delivery, refused by the receiver
        delivery = db.session.query(WebhookDelivery).one()
        assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
        assert delivery.response_body == "broken"
        wait = delivery.next_attempt_at - utcnow()
        assert dt.timedelta(seconds=20) < wait <= services.BACKOFF
        assert tasks.retry_due() == 0  # not due yet
        delivery.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
        hook.status = 200
        assert tasks.retry_due() == 1
        db.session.expire_all()
        delivery = db.session.get(WebhookDelivery, delivery.id)
        assert (delivery.status, delivery.attempts) == ("delivered", 2)
        services.replay(db.session, actor_for(owner), delivery)
        db.session.commit()
        tasks.retry_due()
        assert len(hook.received) == 3
        assert len({json.loads(b)["id"] for _h, b in hook.received}) == 1  # the same event each time
    with receiver() as dead:
        url = dead.url
    sub = services.subscribe(db.session, actor_for(owner), org, url, ["listing.published"],
                                   allow_private=True)
    db.session.commit()
    delivery = db.session.query(WebhookDelivery).filter_by(subscription_id=sub.id).first()
    assert delivery is None
    fake = WebhookDelivery(subscription_id=sub.id, event_id="e1", event_type="listing.published", payload={},
                           attempts=services.MAX_ATTEMPTS - 1)
    db.session.add(fake)
    db.session.flush()
    assert services.attempt(db.session, fake) is False
    assert fake.status == "failed" and fake.error  # nobody listens there any more: given up after the last try
