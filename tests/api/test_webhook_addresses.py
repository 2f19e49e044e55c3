"""Webhook URLs pointing inside the network are refused at subscribe time and again at delivery (a name that
resolves elsewhere later: DNS rebinding), unless WEBHOOKS_ALLOW_PRIVATE."""

from __future__ import annotations

import pytest

from techmarket.accounts.services import actor_for
from techmarket.core.errors import ValidationFailed
from techmarket.extensions import db
from techmarket.webhooks import addresses, services
from techmarket.webhooks.models import WebhookDelivery
from tests.api.support import bearer, make_token, receiver

PUBLIC = "93.184.215.14"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/h", "http://localhost/h", "http://10.1.2.3/h",
                                 "http://192.168.0.5/h", "http://169.254.169.254/latest/meta-data",
                                 "http://[::1]/h", "http://[::ffff:127.0.0.1]/h", "http://0.0.0.0/h",
                                 "https://[fe80::1]/h", "http://100.64.0.1/h"])
def test_private_loopback_and_link_local_addresses_are_refused(url) -> None:
    with pytest.raises(addresses.Refused):
        addresses.check(url, allow_private=False)
    assert addresses.check("http://hooks.example.cn/h", False, lambda host, port: [PUBLIC]) == PUBLIC
    with pytest.raises(addresses.Refused):  # one private answer among several is enough
        addresses.check("http://hooks.example.cn/h", False, lambda host, port: [PUBLIC, "10.0.0.7"])


def test_refused_at_subscribe_time_and_at_delivery_after_rebinding(app, client, make, monkeypatch) -> None:
    app.config["WEBHOOKS_ALLOW_PRIVATE"] = False
    owner = make.user()
    org = make.org(owner, status="verified")
    token = make_token(owner, "webhooks:write", org=org)
    refused = client.post("/api/v1/webhooks", headers=bearer(token),
                          json={"url": "http://169.254.169.254/", "event_types": ["listing.published"]})
    assert refused.status_code == 400 and "url" in refused.get_json()["error"]["fields"]
    with pytest.raises(ValidationFailed):
        services.subscribe(db.session, actor_for(owner), org, "http://127.0.0.1/h", ["listing.published"])
    with receiver() as hook:
        url = hook.url.replace("127.0.0.1", "hooks.example.cn")
        port = int(hook.url.rsplit(":", 1)[1].split("/")[0])
        answers = {"hooks.example.cn": [PUBLIC]}
        monkeypatch.setattr(addresses, "resolve", lambda host, _port: answers[host])
        sub = services.subscribe(db.session, actor_for(owner), org, url, ["listing.published"])
        db.session.commit()
        answers["hooks.example.cn"] = ["127.0.0.1"]  # the name now points inside: DNS rebinding
        make.listing(org)  # published: one delivery, attempted inline
        delivery = db.session.query(WebhookDelivery).filter_by(subscription_id=sub.id).one()
        assert hook.received == [] and delivery.error.startswith("refused:") and delivery.status == "pending"
        app.config["WEBHOOKS_ALLOW_PRIVATE"] = True  # a test bench: the same name is delivered to, pinned
        assert services.attempt(db.session, delivery, allow_private=True)
        assert len(hook.received) == 1 and hook.received[0][0]["Host"] == f"hooks.example.cn:{port}"
