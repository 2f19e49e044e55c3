"""The account's token page and an organisation's webhooks page."""

from __future__ import annotations

import re

from techmarket.accounts.api_tokens import ApiToken, digest
from techmarket.extensions import db
from techmarket.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.api.support import receiver


def test_token_page_shows_the_secret_once_and_revokes(make, signin) -> None:
    user = make.user()
    org = make.org(user, status="verified")
    browser = signin(user)
    page = browser.post("/account/tokens/", data={"name": "ERP 同步", "scopes": ["read", "listings:write"],
                                                  "days": "90", "organisation": str(org.id)})
    assert page.status_code == 200
    secret = re.search(r"(tm_[A-Za-z0-9_\-]{40,})", page.get_data(as_text=True)).group(1)
    token = db.session.query(ApiToken).one()
    assert token.token_hash == digest(secret) and token.organisation_id == org.id
    assert secret not in browser.get("/account/tokens/").get_data(as_text=True)  # shown once
    bad = browser.post("/account/tokens/", data={"name": "x", "scopes": ["root"], "days": "90"})
    assert bad.status_code == 200 and db.session.query(ApiToken).count() == 1
    assert browser.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    other = signin(make.user())
    assert other.post(f"/account/tokens/{token.id}/revoke").status_code == 404


def test_webhooks_page_subscribes_lists_deliveries_and_replays(make, signin) -> None:
    owner = make.user()
    org = make.org(owner, status="verified")
    browser = signin(owner)
    with receiver() as hook:
        resp = browser.post(f"/orgs/{org.id}/webhooks/", data={"url": hook.url, "event_types": ["listing.published"]})
        assert resp.status_code == 302
        assert browser.post(f"/orgs/{org.id}/webhooks/", data={"url": "ftp://x", "event_types": []}).status_code == 200
        assert db.session.query(WebhookSubscription).count() == 1
        make.listing(org)
        page = browser.get(f"/orgs/{org.id}/webhooks/").get_data(as_text=True)
        assert "listing.published" in page and "thanks" in page
        delivery = db.session.query(WebhookDelivery).one()
        assert browser.post(f"/orgs/{org.id}/webhooks/deliveries/{delivery.id}/replay").status_code == 302
        assert len(hook.received) == 2
    stranger = signin(make.user())
    assert stranger.get(f"/orgs/{org.id}/webhooks/").status_code == 403


def test_webhooks_page_speaks_the_delivery_state_and_describes_each_event(make, signin) -> None:
    """The state of a delivery is in the reader's language (it was the raw code "failed"), and each event's
    checkbox carries its description."""
    owner = make.user()
    org = make.org(owner, status="verified")
    sub = WebhookSubscription(organisation_id=org.id, url="https://hooks.example.cn/in", secret="whsec_x",
                              event_types=["listing.published"])
    db.session.add(sub)
    db.session.flush()
    db.session.add(WebhookDelivery(subscription_id=sub.id, event_id="e1", event_type="listing.published",
                                   payload={}, status="failed", attempts=6))
    db.session.commit()
    browser = signin(owner)
    page = browser.get(f"/orgs/{org.id}/webhooks/?lang=zh_Hans_CN").get_data(as_text=True)
    assert 'data-status="failed">多次重试后仍失败<' in page
    assert re.search(r'id="ev-1">[^<]*信息已通过审核并公开', page)
    english = browser.get(f"/orgs/{org.id}/webhooks/?lang=en").get_data(as_text=True)
    assert 'data-status="failed">Failed after every retry<' in english


def test_token_page_names_the_token_and_says_what_each_scope_allows(make, signin) -> None:
    """The Chinese page headed the token's name 姓名 (a person's name) and listed bare scope codes."""
    user = make.user()
    browser = signin(user)
    page = browser.get("/account/tokens/?lang=zh_Hans_CN").get_data(as_text=True)
    assert "令牌名称" in page and "姓名" not in page
    assert re.search(r'id="scope-\d+">代表本机构参与竞价', page)
    english = browser.get("/account/tokens/?lang=en").get_data(as_text=True)
    assert "Token name" in english and "Bid in auctions for the organisation." in english
