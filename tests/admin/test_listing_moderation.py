"""The operator's review queue: what it shows, who may use it, single and bulk decisions, and two operators
deciding the same listing. Real HTTP through the views, real commits, SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import event, select

from techmarket.accounts.notifications import Notification, recent, unread_count
from techmarket.accounts.services import actor_for
from techmarket.core.errors import PermissionDenied
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import queries, services
from techmarket.listings.constants import Kind
from techmarket.listings.models import Listing
from techmarket.orgs.models import Organisation
from tests.admin.moderation_support import (
    actions_of,
    audit_count,
    decision_fields,
    fresh,
    isolated,  # noqa: F401 - autouse fixture
    mails_to,
    published_titles,
    queue_values,
)

# --- the queue -------------------------------------------------------------------------------------------

def test_queue_shows_submissions_and_revisions_not_drafts(make, signin, owner, operator):
    owner.listing("草稿中的成果", state="draft")
    submitted = owner.listing("已提交的储能成果")
    demand = owner.listing("寻求氢能储运技术", kind=Kind.DEMAND)
    published = owner.listing("已发布的石墨烯成果", state="published")
    owner.listing("已发布无修改的成果", state="published")
    owner.listing("退回的成果", state="returned")
    owner.revise(published, title="已发布的石墨烯成果（修订）")

    op = signin(operator)
    page = op.get("/admin/listings/").get_data(as_text=True)
    rows = re.findall(r'data-testid="queue-row" data-listing-id="(\d+)"', page)
    assert sorted(map(int, rows)) == sorted([submitted.id, demand.id, published.id])
    assert "草稿中的成果" not in page and "已发布无修改的成果" not in page and "退回的成果" not in page
    assert "New submission" in page and "Revision 1 of a published listing" in page
    assert "已发布的石墨烯成果（修订）" in page
    assert owner.org.name in page and "verified" in page
    assert "Technology demand" in page

    only_demands = op.get("/admin/listings/?kind=demand").get_data(as_text=True)
    assert "寻求氢能储运技术" in only_demands and "已提交的储能成果" not in only_demands
    nonsense = op.get("/admin/listings/?kind=bogus&page=x&per_page=-3")
    assert nonsense.status_code == 200


def test_queue_paginates(signin, owner, operator):
    for n in range(3):
        owner.listing(f"分页测试成果 {n}")
    page = signin(operator).get("/admin/listings/?per_page=2").get_data(as_text=True)
    assert len(re.findall(r'data-testid="queue-row"', page)) == 2
    assert "3 in all, page 1 of 2" in page
    second = signin(operator).get("/admin/listings/?per_page=2&page=2").get_data(as_text=True)
    assert len(re.findall(r'data-testid="queue-row"', second)) == 1


def test_nav_has_the_review_queue_for_operators_only(make, signin, operator):
    assert "/admin/listings/" in signin(operator).get("/").get_data(as_text=True)
    assert "/admin/listings/" not in signin(make.user(Role.RESEARCHER)).get("/").get_data(as_text=True)


# --- permissions -----------------------------------------------------------------------------------------

def test_non_operators_get_403_and_the_service_refuses_them(app, make, signin, owner):
    listing = owner.listing()
    version = listing.version
    for user in (make.user(Role.RESEARCHER), make.user(Role.REGISTRAR), owner.user):
        c = signin(user)
        assert c.get("/admin/listings/").status_code == 403
        assert c.get(f"/admin/listings/{listing.id}").status_code == 403
        assert c.post(f"/admin/listings/{listing.id}", data={"decision": "approve", "version": version,
                                                              "revision": ""}).status_code == 403
        assert c.post("/admin/listings/", data={"selected": f"{listing.id}:{version}:",
                                                "action": "approve"}).status_code == 403
        assert c.post(f"/admin/listings/{listing.id}/withdraw",
                      data={"withdraw-reason": "x", "withdraw-version": version}).status_code == 403
    anonymous = app.test_client().get("/admin/listings/")
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
    assert fresh(listing.id).status == "submitted"

    published = owner.listing("已发布待修订", state="published")
    rev = owner.revise(published, title="已发布待修订（新）")
    with app.test_request_context():
        for actor in (owner.actor, actor_for(make.user(Role.RESEARCHER))):
            for action in ("approve", "return"):
                with pytest.raises(PermissionDenied):
                    services.transition(db.session, actor, fresh(listing.id), action, reason="r")
        with pytest.raises(PermissionDenied):
            services.decide_revision(db.session, owner.actor, rev, approve=True)
    db.session.rollback()
    assert fresh(listing.id).status == "submitted"


# --- deciding one listing ----------------------------------------------------------------------------------

def test_approve_publishes_and_tells_the_owner(make, signin, owner, operator):
    listing = owner.listing("包头稀土永磁电机驱动技术")
    assert "包头稀土永磁电机驱动技术" not in published_titles()
    op = signin(operator)
    fields = decision_fields(op, listing)
    resp = op.post(f"/admin/listings/{listing.id}", data={"decision": "approve", **fields})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/listings/")
    after = fresh(listing.id)
    assert after.status == "published" and after.published_at is not None
    assert "包头稀土永磁电机驱动技术" in published_titles()
    assert unread_count(db.session, owner.user.id) == 1
    note = db.session.scalars(recent(db.session, owner.user.id)).first()
    assert note.kind == "listing_approve" and note.params["title"] == "包头稀土永磁电机驱动技术"
    assert any("包头稀土永磁电机驱动技术" in m for m in mails_to(make, owner.user))
    flashed = op.get("/admin/listings/").get_data(as_text=True)
    assert "Published: “包头稀土永磁电机驱动技术”." in flashed
    review = op.get(f"/admin/listings/{listing.id}").get_data(as_text=True)
    assert "Approved and published" in review and "Operator One" in review


def test_return_needs_a_reason_then_tells_the_owner(make, signin, owner, operator):
    listing = owner.listing("呼和浩特乳业菌种技术")
    op = signin(operator)
    fields = decision_fields(op, listing)
    before = audit_count()
    resp = op.post(f"/admin/listings/{listing.id}", data={"decision": "return", "reason": "   ", **fields})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert re.search(r'name="reason"[^>]*>.*?</textarea>\s*<div class="invalid-feedback d-block" id="reason-error">',
                     page, re.S), "the error is not beside the reason field"
    assert re.search(r'<input[^>]*checked[^>]*value="return"', page), "the chosen decision is not kept"
    assert fresh(listing.id).status == "submitted" and audit_count() == before

    resp = op.post(f"/admin/listings/{listing.id}",
                   data={"decision": "return", "reason": "请补充<中试>数据 & 专利证书", **fields})
    assert resp.status_code == 302
    after = fresh(listing.id)
    assert after.status == "returned" and after.return_reason == "请补充<中试>数据 & 专利证书"
    note = db.session.scalars(select(Notification).where(Notification.user_id == owner.user.id)).one()
    assert note.kind == "listing_return" and note.params["reason"] == "请补充<中试>数据 & 专利证书"
    assert any("请补充<中试>数据 & 专利证书" in m for m in mails_to(make, owner.user))
    review = op.get(f"/admin/listings/{listing.id}").get_data(as_text=True)
    assert "请补充&lt;中试&gt;数据 &amp; 专利证书" in review and "<中试>" not in review


def test_stale_version_gets_409_and_nothing_changes(signin, owner, operator, make):
    listing = owner.listing()
    op = signin(operator)
    fields = decision_fields(op, listing)
    stale = {**fields, "version": str(int(fields["version"]) - 1)}
    before = audit_count()
    resp = op.post(f"/admin/listings/{listing.id}", data={"decision": "approve", **stale})
    assert resp.status_code == 409
    assert fresh(listing.id).status == "submitted" and audit_count() == before


def test_second_operator_deciding_the_same_listing_is_told_someone_decided_first(make, signin, owner, operator):
    listing = owner.listing()
    first, second = signin(operator), signin(make.user(Role.OPERATOR, language="en"))
    seen_by_first, seen_by_second = decision_fields(first, listing), decision_fields(second, listing)
    assert first.post(f"/admin/listings/{listing.id}",
                      data={"decision": "approve", **seen_by_first}).status_code == 302
    before = audit_count()
    resp = second.post(f"/admin/listings/{listing.id}",
                       data={"decision": "return", "reason": "不行", **seen_by_second})
    assert resp.status_code == 409
    assert "Someone else changed this listing first" in resp.get_data(as_text=True)
    after = fresh(listing.id)
    assert after.status == "published" and after.return_reason is None and audit_count() == before
    assert [n.kind for n in db.session.scalars(recent(db.session, owner.user.id))] == ["listing_approve"]


def test_decisions_at_the_very_same_moment_give_409(app, signin, owner, operator):
    """The other operator's decision commits between our read and our write: the version check in the
    UPDATE catches it (StaleDataError) and the page says 409."""
    listing = owner.listing()
    op = signin(operator)
    fields = decision_fields(op, listing)
    engine = db.engine
    bumped: list[int] = []

    def other_operator_commits(target: Listing, _context: object) -> None:
        if target.id == listing.id and not bumped:
            bumped.append(target.version)
            with engine.begin() as conn:
                conn.execute(sa.update(Listing.__table__).where(Listing.__table__.c.id == listing.id)
                             .values(status="returned", return_reason="另一位运营者退回",
                                     version=Listing.__table__.c.version + 1))

    event.listen(Listing, "load", other_operator_commits)
    try:
        resp = op.post(f"/admin/listings/{listing.id}", data={"decision": "approve", **fields})
    finally:
        event.remove(Listing, "load", other_operator_commits)
    assert bumped, "the listener did not run"
    assert resp.status_code == 409
    after = fresh(listing.id)
    assert after.status == "returned" and after.return_reason == "另一位运营者退回"
    assert actions_of(listing) == ["create", "submit"]


# --- bulk ----------------------------------------------------------------------------------------------------

def test_bulk_approve_skips_the_one_changed_meanwhile(make, signin, owner, operator):
    listings = [owner.listing(f"批量审核成果 {n}") for n in range(3)]
    op = signin(operator)
    values = queue_values(op)
    assert set(values) == {x.id for x in listings}
    changed = listings[1]
    services.transition(db.session, owner.actor, fresh(changed.id), "withdraw")
    db.session.commit()

    resp = op.post("/admin/listings/", data={"selected": list(values.values()), "action": "approve"})
    assert resp.status_code == 302
    page = op.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Approved 2, skipped 1 (changed meanwhile): 批量审核成果 1" in page
    assert [fresh(x.id).status for x in listings] == ["published", "withdrawn", "published"]
    assert sorted(t for t in published_titles() if t.startswith("批量")) == ["批量审核成果 0", "批量审核成果 2"]
    assert unread_count(db.session, owner.user.id) == 2


def test_bulk_return_needs_one_reason_and_keeps_the_ticks(make, signin, owner, operator):
    listings = [owner.listing(f"批量退回成果 {n}") for n in range(2)]
    op = signin(operator)
    values = queue_values(op)
    before = audit_count()
    resp = op.post("/admin/listings/", data={"selected": [values[listings[0].id]], "action": "return",
                                             "reason": ""})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and 'id="reason-error"' in page
    assert re.search(rf'value="{re.escape(values[listings[0].id])}"[^>]*\n?\s*checked', page)
    assert audit_count() == before and fresh(listings[0].id).status == "submitted"

    resp = op.post("/admin/listings/", data={"selected": [], "action": "approve"})
    assert resp.status_code == 400 and "Tick at least one listing." in resp.get_data(as_text=True)

    resp = op.post("/admin/listings/", data={"selected": list(values.values()), "action": "return",
                                             "reason": "请补充专利证书"})
    assert resp.status_code == 302
    assert "Returned 2." in op.get("/admin/listings/").get_data(as_text=True)
    for x in listings:
        after = fresh(x.id)
        assert after.status == "returned" and after.return_reason == "请补充专利证书"
    assert len(mails_to(make, owner.user)) == 2


def test_bulk_approves_a_pending_revision(signin, owner, operator):
    published = owner.listing("鄂尔多斯煤制烯烃催化剂", state="published")
    owner.revise(published, title="鄂尔多斯煤制烯烃催化剂（第二代）")
    owner.listing("赤峰马铃薯脱毒种薯")
    op = signin(operator)
    values = queue_values(op)
    assert values[published.id].count(":") == 2 and values[published.id].split(":")[2]
    resp = op.post("/admin/listings/", data={"selected": list(values.values()), "action": "approve"})
    assert resp.status_code == 302
    assert "Approved 2." in op.get("/admin/listings/").get_data(as_text=True)
    titles = published_titles()
    assert "鄂尔多斯煤制烯烃催化剂（第二代）" in titles and "鄂尔多斯煤制烯烃催化剂" not in titles
    assert "赤峰马铃薯脱毒种薯" in titles
    assert queries.revisions(db.session, published.id)[0].status == "approved"


def test_bulk_rejects_garbage_values(signin, operator):
    resp = signin(operator).post("/admin/listings/", data={"selected": ["1:x:"], "action": "approve"})
    assert resp.status_code == 400


def test_unverified_org_is_marked_in_the_queue(signin, owner, operator):
    listing = owner.listing("认证被撤销的单位的成果")
    with db.engine.begin() as conn:
        conn.execute(sa.update(Organisation.__table__).where(Organisation.__table__.c.id == owner.org.id)
                     .values(status="returned"))
    page = signin(operator).get("/admin/listings/").get_data(as_text=True)
    row = page.split(f'data-listing-id="{listing.id}"')[1].split("</tr>")[0]
    assert "not verified" in row
