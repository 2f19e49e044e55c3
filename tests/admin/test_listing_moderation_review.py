"""The review page: revision diffs (escaped), deciding revisions, every operator transition of the workflow
table from every state, the takedown, and the listing, organisation, attachments and history shown."""

from __future__ import annotations

import io
import re

import pytest
from flask.testing import FlaskClient

from techmarket.accounts.notifications import recent
from techmarket.accounts.services import actor_for
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.extensions import db
from techmarket.listings import attachments, queries, services, workflow
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from tests.admin.moderation_support import (
    OPERATOR,
    PDF,
    actions_of,
    audit_count,
    decision_fields,
    fresh,
    isolated,  # noqa: F401 - autouse fixture
    mails_to,
    published_titles,
)

# --- revisions -----------------------------------------------------------------------------------------------

def test_revision_diff_shows_changed_fields_escaped(signin, owner, operator):
    published = owner.listing("<b>旧</b>稀土抛光粉技术", state="published",
                              description="第一段不变。\n第二段：旧的工艺参数。\n第三段不变。")
    owner.revise(published, title="<b>新</b>稀土抛光粉技术", fields=["rare_earth", "new_materials"],
                 modes=["transfer"], trl=7,
                 description="第一段不变。\n第二段：新的工艺参数。\n第三段不变。\n第四段<script>x()</script>")
    page = signin(operator).get(f"/admin/listings/{published.id}").get_data(as_text=True)
    diff = page.split('data-testid="revision-diff"')[1].split("</table>")[0]
    assert "<b>" not in page and "<script>x()" not in page
    assert "&lt;b&gt;旧&lt;/b&gt;" in diff or ("&lt;b&gt;" in diff and "旧" in diff)
    assert "新" in diff and "&lt;/b&gt;稀土抛光粉技术" in diff
    assert "&lt;script&gt;x()&lt;/script&gt;" in diff
    changed = re.findall(r'<tbody data-field="([a-z_]+)">', diff)
    assert changed == ["title", "description", "fields", "modes", "trl"]
    assert "第一段不变。" in diff and "<del>旧</del>" in diff and "<ins>新</ins>" in diff
    fields_part = diff.split('data-field="fields"')[1].split("</tbody>")[0]
    assert "New materials" in fields_part and "Rare earths" in fields_part  # added, and unchanged
    modes_part = diff.split('data-field="modes"')[1].split("</tbody>")[0]
    assert "<del>Ordinary licence (普通许可)</del>" in modes_part
    assert "Proposed changes: revision 1" in page


def test_approving_a_revision_changes_the_public_listing(make, app, signin, owner, operator):
    published = owner.listing("乌海焦炉煤气制氢技术", state="published")
    owner.revise(published, title="乌海焦炉煤气制氢技术（升级版）", summary="新的摘要")
    assert "乌海焦炉煤气制氢技术" in published_titles()
    op = signin(operator)
    fields = decision_fields(op, published)
    assert fields["revision"]
    resp = op.post(f"/admin/listings/{published.id}", data={"decision": "approve", **fields})
    assert resp.status_code == 302
    after = fresh(published.id)
    assert after.status == "published" and after.title == "乌海焦炉煤气制氢技术（升级版）"
    assert after.summary == "新的摘要"
    assert "乌海焦炉煤气制氢技术（升级版）" in published_titles()
    public = app.test_client().get(f"/listings/{published.id}").get_data(as_text=True)
    assert "乌海焦炉煤气制氢技术（升级版）" in public
    assert db.session.scalars(recent(db.session, owner.user.id)).first().kind == "revision_approved"
    page = op.get(f"/admin/listings/{published.id}").get_data(as_text=True)
    assert 'data-testid="decision-form"' not in page and 'data-testid="earlier-revision"' in page


def test_returning_a_revision_needs_a_reason_and_keeps_the_public_listing(make, signin, owner, operator):
    published = owner.listing("通辽玉米秸秆综合利用", state="published")
    owner.revise(published, title="通辽玉米秸秆综合利用（夸大版）")
    op = signin(operator)
    fields = decision_fields(op, published)
    resp = op.post(f"/admin/listings/{published.id}", data={"decision": "return", "reason": "", **fields})
    assert resp.status_code == 400 and 'id="reason-error"' in resp.get_data(as_text=True)
    resp = op.post(f"/admin/listings/{published.id}", data={"decision": "return", "reason": "夸大宣传", **fields})
    assert resp.status_code == 302
    after = fresh(published.id)
    assert after.title == "通辽玉米秸秆综合利用" and after.status == "published"
    rev = queries.revisions(db.session, published.id)[0]
    assert rev.status == "rejected" and rev.reason == "夸大宣传"
    assert any("夸大宣传" in m for m in mails_to(make, owner.user))


def test_revision_rewritten_by_the_owner_meanwhile_gives_409(signin, owner, operator):
    published = owner.listing("锡林郭勒风电储能调峰", state="published")
    owner.revise(published, title="锡林郭勒风电储能调峰（一）")
    op = signin(operator)
    fields = decision_fields(op, published)
    owner.revise(fresh(published.id), title="锡林郭勒风电储能调峰（二）")
    resp = op.post(f"/admin/listings/{published.id}", data={"decision": "approve", **fields})
    assert resp.status_code == 409
    assert fresh(published.id).title == "锡林郭勒风电储能调峰"
    rev = queries.revisions(db.session, published.id)[0]
    assert rev.status == "pending" and rev.after["title"] == "锡林郭勒风电储能调峰（二）"


def test_changes_to_a_listing_withdrawn_meanwhile_can_only_be_returned(signin, owner, operator):
    published = owner.listing("阿拉善光伏治沙技术", state="published")
    owner.revise(published, title="阿拉善光伏治沙技术（新版）")
    services.transition(db.session, owner.actor, fresh(published.id), "withdraw")
    db.session.commit()
    op = signin(operator)
    page = op.get(f"/admin/listings/{published.id}").get_data(as_text=True)
    assert "these changes can only be returned" in page and 'data-testid="revision-diff"' in page
    fields = decision_fields(op, published)
    assert fields["revision"]
    assert op.post(f"/admin/listings/{published.id}", data={"decision": "approve", **fields}).status_code == 409
    assert fresh(published.id).title == "阿拉善光伏治沙技术"
    resp = op.post(f"/admin/listings/{published.id}", data={"decision": "return", "reason": "已撤下", **fields})
    assert resp.status_code == 302
    assert queries.revisions(db.session, published.id)[0].status == "rejected"
    assert fresh(published.id).status == "withdrawn"


# --- every operator transition, and the forbidden ones -----------------------------------------------------

STATES = [s.value for s in Status]


def _operator_may(action: str) -> bool:
    return workflow.taken_by(action, workflow.OPERATOR)


def _post_action(op: FlaskClient, listing: Listing, action: str):
    if action == "withdraw":
        return op.post(f"/admin/listings/{listing.id}/withdraw",
                       data={"withdraw-reason": "违反平台规则：虚假信息", "withdraw-version": listing.version})
    return op.post(f"/admin/listings/{listing.id}",
                   data={"decision": action, "reason": "请补充材料", "version": listing.version, "revision": ""})


@pytest.mark.parametrize("action", [a for a in workflow.BY_ACTION if _operator_may(a)])
def test_every_operator_transition_from_every_state(action, signin, owner, operator):
    rule = workflow.BY_ACTION[action]
    op = signin(operator)
    for state in STATES:
        listing = owner.listing(f"状态 {state} 的成果 {action}", state=state)
        version, before = listing.version, audit_count()
        resp = _post_action(op, listing, action)
        after = fresh(listing.id)
        if state in rule.sources:
            assert resp.status_code == 302, (action, state, resp.get_data(as_text=True)[:300])
            assert after.status == rule.target, (action, state)
            assert actions_of(listing)[-1] == action
        else:
            assert resp.status_code == 409, (action, state, resp.status_code)
            assert (after.status, after.version, audit_count()) == (state, version, before), (action, state)


def test_operator_takedown_needs_a_reason_and_tells_the_owner(make, signin, owner, operator):
    listing = owner.listing("虚假宣传的成果", state="published")
    op = signin(operator)
    resp = op.post(f"/admin/listings/{listing.id}/withdraw",
                   data={"withdraw-reason": " ", "withdraw-version": listing.version})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Give the reason for the takedown." in page
    assert fresh(listing.id).status == "published"
    resp = op.post(f"/admin/listings/{listing.id}/withdraw",
                   data={"withdraw-reason": "虚假信息", "withdraw-version": listing.version})
    assert resp.status_code == 302
    assert fresh(listing.id).status == "withdrawn" and "虚假宣传的成果" not in published_titles()
    note = db.session.scalars(recent(db.session, owner.user.id)).first()
    assert note.kind == "listing_withdraw" and note.params["reason"] == "虚假信息"
    assert any("虚假信息" in m for m in mails_to(make, owner.user))
    resp = op.post(f"/admin/listings/{listing.id}/withdraw",
                   data={"withdraw-reason": "再次下架", "withdraw-version": fresh(listing.id).version})
    assert resp.status_code == 409


def test_forbidden_decisions_give_409_without_change(signin, owner, operator):
    op = signin(operator)
    draft = owner.listing("草稿不能批准", state="draft")
    published = owner.listing("已发布不能退回", state="published")
    for listing, action in ((draft, "approve"), (published, "return")):
        version, before = listing.version, audit_count()
        resp = _post_action(op, listing, action)
        assert resp.status_code == 409
        after = fresh(listing.id)
        assert (after.status, after.version, audit_count()) == (listing.status, version, before)


@pytest.mark.parametrize("action", [a for a in workflow.BY_ACTION if not _operator_may(a)])
def test_owner_and_system_steps_are_refused_to_the_operator(action, app, owner, make):
    listing = owner.listing(f"运营者不可 {action}", state=next(iter(sorted(workflow.BY_ACTION[action].sources))))
    operator_actor = actor_for(make.operator())
    with app.test_request_context(), pytest.raises(PermissionDenied):
        services.transition(db.session, operator_actor, listing, action)
    db.session.rollback()
    assert fresh(listing.id).status == listing.status


def test_the_service_refuses_stale_and_forbidden_steps_directly(app, owner):
    listing = owner.listing()
    with app.test_request_context():
        with pytest.raises(Conflict):
            services.transition(db.session, OPERATOR, listing, "approve", expected_version=listing.version - 1)
        db.session.rollback()
        with pytest.raises(ValidationFailed):
            services.transition(db.session, OPERATOR, fresh(listing.id), "return", reason=" ")
        db.session.rollback()
    assert fresh(listing.id).status == "submitted"


# --- the rest of the review page -----------------------------------------------------------------------------

def test_review_page_shows_listing_org_attachments_and_history(app, signin, owner, operator):
    listing = owner.listing("包钢稀土尾矿综合回收", description="**加粗**说明<script>alert(1)</script>")
    attachments.add(db.session, owner.actor, fresh(listing.id), "报告.pdf", io.BytesIO(PDF),
                    instance_path=app.instance_path, max_bytes=1024 * 1024)
    db.session.commit()
    op = signin(operator)
    page = op.get(f"/admin/listings/{listing.id}").get_data(as_text=True)
    assert "<strong>加粗</strong>" in page and "<script>alert(1)" not in page
    assert owner.org.name in page and owner.user.email in page
    assert "报告.pdf" in page and "Submitted for review" in page and "Attachment added" in page
    att_id = fresh(listing.id).attachments[0].id
    download = op.get(f"/admin/listings/{listing.id}/attachments/{att_id}")
    assert download.status_code == 200 and download.data == PDF
    assert op.get(f"/admin/listings/{listing.id}/attachments/{att_id + 99}").status_code == 404
    assert op.get("/admin/listings/999999").status_code == 404


def test_review_page_of_a_demand(signin, owner, operator):
    demand = owner.listing("寻求煤化工废水处理技术", kind=Kind.DEMAND, technical_targets="COD < 50 mg/L")
    page = signin(operator).get(f"/admin/listings/{demand.id}").get_data(as_text=True)
    assert "COD &lt; 50 mg/L" in page and "Technical targets" in page

