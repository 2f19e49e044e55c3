"""Subscriptions and alerts: saving and following, immediate delivery, digests exactly once, unsubscribe links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser

import pytest
from flask import Flask
from sqlalchemy import func, select

from techmarket.accounts.notifications import Notification
from techmarket.accounts.services import actor_for
from techmarket.core.clock import utcnow
from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.matching import alert_tasks, alerts, profiles, recommend, subscriptions
from techmarket.matching.models import DEMAND, AlertDelivery, AlertDigest, Subscription
from tests.factories import Factories
from tests.listings.pages_support import client_for, html, isolated, make_listing  # noqa: F401 - autouse fixture


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    profiles.forget()
    recommend.forget()
    yield
    profiles.forget()
    recommend.forget()


def mails(make: Factories) -> list:
    """The alert mails in the outbox (the listings' own notices left out)."""
    parser = BytesParser(policy=policy.default)
    return [m for p in make.outbox() if (m := parser.parsebytes(p.read_bytes()))["List-Unsubscribe"]]


def notes(user_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)
                                   .order_by(Notification.id)))


def test_save_search_follow_and_settings_page(app: Flask, make: Factories) -> None:
    user = make.user()
    other = make.user()
    org = make.org(status="verified")
    c = client_for(app, user)
    resp = c.post("/alerts/search", data={"q": "储能", "field": ["energy_storage"], "kind": "all", "sort": "newest",
                                          "frequency": "weekly", "next": "/search?q=储能"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(("/search?q=%E5%82%A8%E8%83%BD", "/search?q=储能"))
    # The same search saved again is one subscription (its frequency changes).
    c.post("/alerts/search", data={"field": "energy_storage", "q": " 储能 ", "frequency": "daily"})
    for kind, target in (("field", "rare_earth"), ("region", "150200"), ("org", str(org.id))):
        assert c.post("/alerts/follow", data={"kind": kind, "target": target, "frequency": "immediate"}
                      ).status_code == 302
    rows = db.session.scalars(select(Subscription).where(Subscription.user_id == user.id)).all()
    assert sorted((s.kind, s.frequency) for s in rows) == [("field", "immediate"), ("org", "immediate"),
                                                          ("region", "immediate"), ("search", "daily")]
    saved = next(s for s in rows if s.kind == "search")
    assert saved.query == [["q", "储能"], ["field", "energy_storage"]]
    saved_id = saved.id
    # Unknown targets are refused with a message, nothing is written.
    assert c.post("/alerts/follow", data={"kind": "field", "target": "nonsense", "frequency": "daily"}
                  ).status_code == 400
    assert c.post("/alerts/follow", data={"kind": "org", "target": "999999", "frequency": "daily"}
                  ).status_code == 404
    assert c.post("/alerts/search", data={"q": "", "frequency": "daily"}).status_code == 400
    page = html(c.get("/alerts/"))
    assert page.count('data-testid="subscription"') == 4
    assert "储能" in page and "稀土" in page
    # Change the frequency, then delete; another user cannot touch them.
    stranger = client_for(app, other)
    assert stranger.post(f"/alerts/{saved_id}/delete", data={}).status_code == 404
    assert stranger.post(f"/alerts/{saved_id}/frequency", data={f"s{saved_id}-frequency": "weekly"}
                         ).status_code == 404
    assert c.post(f"/alerts/{saved_id}/frequency", data={f"s{saved_id}-frequency": "weekly"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Subscription, saved_id).frequency == "weekly"
    assert c.post(f"/alerts/{saved_id}/frequency", data={f"s{saved_id}-frequency": "hourly"}).status_code == 400
    assert c.post(f"/alerts/{saved_id}/delete", data={}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Subscription, saved_id) is None
    # The search page offers the button, marked once saved.
    search_page = html(c.get("/search?q=储能"))
    assert 'data-testid="save-search"' in search_page and "保存此搜索" in search_page


def test_the_settings_page_paginates(app: Flask, make: Factories) -> None:
    user = make.user()
    for n in range(25):
        subscriptions.save_search(db.session, actor_for(user), [("q", f"词{n}")])
    db.session.commit()
    c = client_for(app, user)
    assert html(c.get("/alerts/")).count('data-testid="subscription"') == 20
    assert html(c.get("/alerts/?page=2")).count('data-testid="subscription"') == 5


def test_immediate_alerts_mail_once_with_a_one_click_unsubscribe(app: Flask, make: Factories) -> None:
    reader = make.user(language="en")
    subscriptions.save_search(db.session, actor_for(reader), [("q", "稀土永磁")], frequency="immediate")
    subscriptions.follow(db.session, actor_for(reader), "field", "rare_earth", frequency="immediate")
    db.session.commit()
    seller = make.org(status="verified")
    found = make_listing(seller, Kind.ACHIEVEMENT, title="稀土永磁电机冷却技术", fields=["rare_earth"])
    make_listing(seller, Kind.ACHIEVEMENT, title="马铃薯脱毒种薯繁育", fields=["agriculture"], keywords=["马铃薯"],
                 summary="种薯。", description="种薯繁育。")
    got = [n for n in notes(reader.id) if n.kind == "alert_item"]
    assert [n.params["title"] for n in got] == ["稀土永磁电机冷却技术"]  # two subscriptions, one alert
    sent = [m for m in mails(make) if m["To"] == reader.email]
    assert len(sent) == 1
    message = sent[0]
    assert "稀土永磁电机冷却技术" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    body = message.get_content()
    assert f"/listings/{found.id}" in body and "/alerts/unsubscribe/" in body
    # Delivering the same item again (a second job) sends nothing.
    assert alert_tasks.deliver_immediately("listing", found.id) == 0
    assert len([m for m in mails(make) if m["To"] == reader.email]) == 1
    # The link works without signing in: GET asks, POST (as a mail program's one-click) unsubscribes.
    anonymous = app.test_client()
    path = link.split("localhost", 1)[-1]
    page = html(anonymous.get(path))
    assert 'data-testid="unsubscribe-list"' in page
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 2
    assert anonymous.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    # The subscription that sent it is gone; the other one stays.
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 1
    assert anonymous.get("/alerts/unsubscribe/forged-token").status_code == 400


def test_demand_owners_get_new_matches_in_one_daily_digest_exactly_once(app: Flask, make: Factories,
                                                                        runner) -> None:
    buyer = make.org(status="verified")
    owner = buyer.memberships[0].user
    demand = make_listing(buyer, Kind.DEMAND, title="寻求稀土永磁电机冷却方案", summary="稀土永磁电机散热。",
                          keywords=["稀土", "电机"], fields=["rare_earth"])
    sub = db.session.scalar(select(Subscription).where(Subscription.user_id == owner.id))
    assert (sub.kind, sub.target, sub.frequency) == (DEMAND, str(demand.id), "daily")
    follower = make.user()
    subscriptions.follow(db.session, actor_for(follower), "field", "rare_earth")  # daily
    subscriptions.follow(db.session, actor_for(follower), "field", "new_energy", frequency="immediate")
    db.session.commit()
    seller = make.org(status="verified")
    match = make_listing(seller, Kind.ACHIEVEMENT, title="稀土永磁电机高效冷却技术", keywords=["稀土", "电机"],
                         summary="稀土永磁电机的高效冷却结构。", fields=["rare_earth", "new_energy"])
    second = make_listing(seller, Kind.ACHIEVEMENT, title="稀土永磁材料回收工艺", keywords=["稀土", "回收"],
                          summary="稀土永磁废料回收。", fields=["rare_earth"])
    before = len(mails(make))
    result = runner.invoke(args=["matching", "digest", "--period", "daily"])
    assert result.exit_code == 0, result.output
    assert "2 digests sent" in result.output
    digests = db.session.scalars(select(AlertDigest).order_by(AlertDigest.user_id)).all()
    by_user = {d.user_id: d for d in digests}
    owner_items = {r.item_id for r in db.session.scalars(
        select(AlertDelivery).where(AlertDelivery.digest_id == by_user[owner.id].id))}
    assert match.id in owner_items and demand.id not in owner_items
    # The follower had `match` at once (new_energy, immediately): the digest holds only `second`.
    follower_items = [r.item_id for r in db.session.scalars(
        select(AlertDelivery).where(AlertDelivery.digest_id == by_user[follower.id].id))]
    assert follower_items == [second.id]
    assert len(mails(make)) == before + 2
    digest_note = next(n for n in notes(follower.id) if n.kind == "alert_digest_daily")
    assert digest_note.params == {"count": 1}
    c = client_for(app, follower)
    assert "稀土永磁材料回收工艺" in html(c.get(f"/alerts/digests/{by_user[follower.id].id}"))
    assert client_for(app, owner).get(f"/alerts/digests/{by_user[follower.id].id}").status_code == 404
    # Idempotent: the second run the same day sends nothing, even with a listing published meanwhile.
    make_listing(seller, Kind.ACHIEVEMENT, title="稀土永磁电机转子设计", fields=["rare_earth"])
    again = runner.invoke(args=["matching", "digest", "--period", "daily"])
    assert "0 digests sent" in again.output, again.output
    assert len(mails(make)) == before + 2
    # The next day, only what was not sent yet.
    tomorrow = alert_tasks.digest("daily", now=utcnow() + dt.timedelta(days=1))
    assert [[i.title for i, _s in d.items] for d in tomorrow.digests] == [["稀土永磁电机转子设计"]] * 2
    assert db.session.scalar(select(func.count()).select_from(AlertDigest)) == 4


def test_weekly_digests_one_per_iso_week(app: Flask, make: Factories) -> None:
    reader = make.user()
    subscriptions.follow(db.session, actor_for(reader), "field", "rare_earth", frequency="weekly")
    db.session.commit()
    make_listing(make.org(status="verified"), Kind.ACHIEVEMENT, title="稀土永磁电机冷却技术")
    monday = utcnow()
    assert len(alert_tasks.digest("weekly", now=monday).digests) == 1
    assert len(alert_tasks.digest("weekly", now=monday).digests) == 0
    assert alerts.period_key("weekly", monday) != alerts.period_key("weekly", monday + dt.timedelta(days=7))


def test_a_digest_page_groups_its_listings_by_subscription(app: Flask, make: Factories) -> None:
    """The digest was one flat list of fifty titles, each repeating its subscription underneath."""
    user = make.user()
    subscriptions.follow(db.session, actor_for(user), "field", "rare_earth")
    subscriptions.follow(db.session, actor_for(user), "field", "hydrogen")
    db.session.commit()
    rare, hydrogen = db.session.scalars(select(Subscription.id).where(Subscription.user_id == user.id)
                                        .order_by(Subscription.id)).all()
    digest = AlertDigest(user_id=user.id, period="daily", period_key="2026-12-04", item_count=3)
    db.session.add(digest)
    db.session.flush()
    for n, sub in enumerate((rare, rare, hydrogen)):
        db.session.add(AlertDelivery(user_id=user.id, item_kind="listing", item_id=1000 + n, title=f"成果{n}",
                                     subscription_id=sub, digest_id=digest.id))
    db.session.commit()
    page = html(client_for(app, user).get(f"/alerts/digests/{digest.id}?lang=zh_Hans_CN"))
    assert page.count('data-testid="digest-group"') == 2
    assert "共有 3 条新信息" in page
    first, second = page.split('data-testid="digest-group"')[1:]
    assert "成果0" in first and "成果1" in first and "成果2" in second
