"""The detail page: who sees what (drafts, confidential demands, contact), sanitised descriptions, views, bookmarks."""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import view_counts
from techmarket.listings.constants import Kind
from techmarket.listings.models import Bookmark, Listing
from tests.factories import Factories
from tests.listings.pages_support import (
    client_for,
    html,
    isolated,  # noqa: F401 - autouse fixture
    make_listing,
)


def test_draft_is_404_to_strangers_and_visible_to_members_and_operators(app: Flask, client: FlaskClient,
                                                                          make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org, status="draft", title="尚未提交的草稿")
    url = f"/listings/{listing.id}"
    assert client.get(url).status_code == 404
    stranger = make.user(Role.ENTERPRISE)
    assert client_for(app, stranger).get(url).status_code == 404
    owner_page = client_for(app, org.memberships[0].user).get(url)
    assert owner_page.status_code == 200
    assert 'data-testid="status-banner"' in html(owner_page)
    assert 'data-testid="owner-panel"' in html(owner_page)
    operator_page = client_for(app, make.operator()).get(url)
    assert operator_page.status_code == 200
    assert 'data-testid="status-banner"' in html(operator_page)
    assert 'data-testid="owner-panel"' not in html(operator_page)


def test_returned_listing_shows_the_operators_reason_to_the_owner(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org, status="returned")
    page = html(client_for(app, org.memberships[0].user).get(f"/listings/{listing.id}"))
    assert "请补充技术指标" in page


def test_published_listing_shows_all_fields(client: FlaskClient, make: Factories) -> None:
    org = make.org(status="verified", name="包头稀土研究院")
    listing = make_listing(org, title="稀土永磁电机高效冷却技术", application_industries="新能源汽车")
    page = html(client.get(f"/listings/{listing.id}"))
    for text in ("稀土永磁电机高效冷却技术", "包头稀土研究院", "<h3>技术背景</h3>", "<strong>30%</strong>",
                 "张教授团队", "202310123456.6", "新能源汽车", "TRL 6", 'data-testid="ip-items"'):
        assert text in page, text


def test_contact_is_shown_only_to_members_of_verified_organisations(app: Flask, client: FlaskClient,
                                                                    make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    url = f"/listings/{listing.id}"
    anonymous = html(client.get(url))
    assert "0472-1234567" not in anonymous and 'data-testid="contact-hidden"' in anonymous
    unverified_user = make.user(Role.ENTERPRISE)
    make.org(unverified_user)  # pending organisation
    assert "0472-1234567" not in html(client_for(app, unverified_user).get(url))
    verified_user = make.user(Role.ENTERPRISE)
    make.org(verified_user, status="verified")
    page = html(client_for(app, verified_user).get(url))
    assert "0472-1234567" in page and "wang@example.cn" in page


def test_confidential_demand_hides_issuer_and_details(app: Flask, client: FlaskClient, make: Factories) -> None:
    org = make.org(status="verified", name="鄂尔多斯煤化工集团")
    demand = make_listing(org, Kind.DEMAND, confidentiality="verified_only", description="高盐废水的详细工艺参数",
                          technical_targets="COD 低于 50 mg/L")
    url = f"/listings/{demand.id}"
    for who in (client, client_for(app, make.user(Role.ENTERPRISE))):
        page = html(who.get(url))
        assert "鄂尔多斯煤化工集团" not in page
        assert 'data-testid="anonymous-issuer"' in page
        assert "高盐废水的详细工艺参数" not in page and "COD 低于 50 mg/L" not in page
        assert 'data-testid="details-hidden"' in page
        assert demand.summary in page  # the summary stays public
    browse = html(client.get("/listings/demands"))
    assert "鄂尔多斯煤化工集团" not in browse and demand.title in browse
    verified_user = make.user(Role.ENTERPRISE)
    make.org(verified_user, status="verified")
    page = html(client_for(app, verified_user).get(url))
    assert "鄂尔多斯煤化工集团" in page and "高盐废水的详细工艺参数" in page and "COD 低于 50 mg/L" in page


def test_script_in_the_description_is_removed(client: FlaskClient, make: Factories) -> None:
    org = make.org(status="verified")
    evil = ('正文<script>alert("x")</script>\n\n<img src=x onerror="alert(1)">\n\n'
            '[link](javascript:alert(2)) <a href="http://ok.example" onclick="steal()">ok</a>')
    listing = make_listing(org, description=evil, title="<b>标题</b>也要转义")
    page = html(client.get(f"/listings/{listing.id}"))
    description = page.split('data-testid="description">')[1].split("</div>")[0]
    assert "<script" not in description and "onerror" not in description and "onclick" not in description
    assert "javascript:" not in description
    assert "正文" in description
    assert "<b>标题</b>" not in page and "&lt;b&gt;标题&lt;/b&gt;也要转义" in page


def test_views_are_counted_for_visitors_but_not_for_owners(app: Flask, client: FlaskClient,
                                                           make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    client.get(f"/listings/{listing.id}")
    client.get(f"/listings/{listing.id}")
    assert view_counts.counter(app).flush() == 2  # views are buffered in memory and written in batches
    owner = client_for(app, org.memberships[0].user)
    page = html(owner.get(f"/listings/{listing.id}"))
    assert 'data-testid="view-count">2<' in page
    assert 'data-testid="inquiry-count">0<' in page
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).view_count == 2


def test_bookmark_toggle_and_bookmarks_page(app: Flask, client: FlaskClient, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org, title="石墨烯防腐涂料")
    user = make.user(Role.ENTERPRISE)
    c = client_for(app, user)
    assert 'data-testid="empty-state"' in html(c.get("/listings/bookmarks"))
    resp = c.post(f"/listings/{listing.id}/bookmark")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/listings/{listing.id}")
    assert db.session.query(Bookmark).filter_by(user_id=user.id).count() == 1
    assert 'aria-pressed="true"' in html(c.get(f"/listings/{listing.id}"))
    assert "石墨烯防腐涂料" in html(c.get("/listings/bookmarks"))
    c.post(f"/listings/{listing.id}/bookmark", data={"next": "/listings/bookmarks"})
    assert db.session.query(Bookmark).filter_by(user_id=user.id).count() == 0
    assert 'aria-pressed="false"' in html(c.get(f"/listings/{listing.id}"))
    # Anonymous visitors are sent to sign in.
    assert client.post(f"/listings/{listing.id}/bookmark").status_code == 302
    assert db.session.query(Bookmark).count() == 0


def test_bookmark_needs_a_public_listing(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    draft = make_listing(org, status="draft")
    c = client_for(app, make.user(Role.ENTERPRISE))
    assert c.post(f"/listings/{draft.id}/bookmark").status_code == 404


def test_unknown_listing_is_404(client: FlaskClient) -> None:
    assert client.get("/listings/999999").status_code == 404


def test_anonymous_views_take_no_write_lock_per_view_and_are_written_in_batches(
        app: Flask, client: FlaskClient, make: Factories) -> None:
    listing = make_listing(make.org(status="verified"))
    writes: list[str] = []

    def spy(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", spy)
    try:
        for _ in range(20):
            assert client.get(f"/listings/{listing.id}").status_code == 200
        assert writes == []  # before: one UPDATE ... view_count (and the write lock) per page view
        views = view_counts.counter(app)
        assert views.pending(listing.id) == 20
        views.last -= app.config["VIEW_COUNT_FLUSH_SECONDS"]  # the flush interval has passed
        client.get(f"/listings/{listing.id}")  # writes them in a thread of its own: the page does not wait
        deadline = time.monotonic() + 30
        while views.pending(listing.id) or views.flushing:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        event.remove(db.engine, "before_cursor_execute", spy)
    assert len([w for w in writes if "view_count" in w]) == 1
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).view_count == 21
