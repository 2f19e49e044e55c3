"""Owners' pages: my listings, the editor (errors beside fields, input kept), revisions, workflow steps."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from flask import Flask

from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.listings.models import Listing, Revision
from tests.factories import Factories
from tests.listings.pages_support import (
    client_for,
    form,
    html,
    isolated,  # noqa: F401 - autouse fixture
    make_listing,
    wrong_patent,
)


def _error_near(page: str, field_id: str) -> str:
    """The error text shown beside the field ``field_id``."""
    match = re.search(rf'id="{re.escape(field_id)}-error">([^<]+)<', page)
    assert match, f"no error beside {field_id}"
    return match.group(1)


def test_create_an_achievement_draft(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    c = client_for(app, org.memberships[0].user)
    page = html(c.get("/listings/new/achievement"))
    assert 'name="ip_items-4-number"' in page  # five rows for IP items
    resp = c.post("/listings/new/achievement", data=form(organisation_id=org.id))
    assert resp.status_code == 302, html(resp)[:2000]
    listing = db.session.scalars(db.select(Listing)).one()
    assert listing.status == "draft" and listing.kind == "achievement"
    assert listing.amount_min == Decimal("1200000.00") and listing.amount_max == Decimal("3000000.00")
    assert listing.keywords == ["储能", "微电网"]
    assert listing.division_code == org.division_code  # the organisation's region by default
    assert [i.number for i in listing.ip_items] == ["202310123456.6"]
    assert listing.fields == ["energy_storage", "new_energy"]


def test_create_a_demand_draft(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    c = client_for(app, org.memberships[0].user)
    resp = c.post("/listings/new/demand", data=form(Kind.DEMAND, organisation_id=org.id,
                                                    confidentiality="verified_only", division_code="150602"))
    assert resp.status_code == 302, html(resp)[:2000]
    listing = db.session.scalars(db.select(Listing)).one()
    assert (listing.kind, listing.confidentiality, listing.prefecture_code) == ("demand", "verified_only", "150600")


def test_bad_input_keeps_what_was_typed_and_shows_errors_beside_fields(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    c = client_for(app, org.memberships[0].user)
    bad = form(organisation_id=org.id, title="风光储一体化保留标题", amount_min="-5", amount_max="abc",
               **{"ip_items-2-ip_type": "invention", "ip_items-2-number": wrong_patent(),
                  "ip_items-2-title": "校验位错误的专利"})
    resp = c.post("/listings/new/achievement", data=bad)
    assert resp.status_code == 400
    page = html(resp)
    assert _error_near(page, "amount_max")  # "abc" is not an amount (caught by the form)
    assert 'value="风光储一体化保留标题"' in page and 'value="abc"' in page and 'value="-5"' in page
    assert wrong_patent() in page and "校验位错误的专利" in page
    # With the amount typo fixed, the service's own rules speak: negative price, the patent check digit.
    resp = c.post("/listings/new/achievement", data=bad | {"amount_max": "300万"})
    page = html(resp)
    assert resp.status_code == 400
    assert _error_near(page, "amount_min")
    row = page.split('data-testid="ip-row-2"')[1].split('data-testid="ip-row-3"')[0]
    assert 'id="ip-error-2"' in row and 'data-testid="ip-error"' in row and 'aria-describedby="ip-error-2"' in row
    assert 'value="-5"' in page and 'value="300万"' in page and "校验位错误的专利" in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Listing)) == 0


def test_deadline_in_the_past_is_refused(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    c = client_for(app, org.memberships[0].user)
    past = (local_today() - dt.timedelta(days=3)).isoformat()
    resp = c.post("/listings/new/demand", data=form(Kind.DEMAND, organisation_id=org.id, deadline=past))
    assert resp.status_code == 400
    page = html(resp)
    assert _error_near(page, "deadline")
    assert f'value="{past}"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Listing)) == 0


def test_missing_required_choices_are_marked(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    c = client_for(app, org.memberships[0].user)
    resp = c.post("/listings/new/achievement", data=form(organisation_id=org.id, fields=[], maturity=""))
    assert resp.status_code == 400
    page = html(resp)
    assert _error_near(page, "fields") and _error_near(page, "maturity")


def test_posting_needs_an_organisation_and_only_ones_own(app: Flask, make: Factories) -> None:
    loner = make.user(Role.RESEARCHER)
    c = client_for(app, loner)
    resp = c.get("/listings/new/achievement")
    assert resp.status_code == 302 and "/orgs/new" in resp.headers["Location"]
    owner = make.user(Role.ENTERPRISE)
    mine = make.org(owner, status="verified")
    other = make.org(status="verified")
    resp = client_for(app, owner).post("/listings/new/achievement", data=form(organisation_id=other.id))
    assert resp.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Listing)) == 0
    assert mine.id != other.id


def test_unverified_org_can_save_a_draft_but_not_submit(app: Flask, make: Factories) -> None:
    org = make.org()  # pending verification
    c = client_for(app, org.memberships[0].user)
    page = html(c.get("/listings/new/achievement"))
    assert 'data-testid="unverified-note"' in page
    resp = c.post("/listings/new/achievement", data=form(organisation_id=org.id))
    assert resp.status_code == 302
    listing = db.session.scalars(db.select(Listing)).one()
    c.get("/lang/en")
    resp = c.post(f"/listings/{listing.id}/act/submit", data={"version": listing.version})
    assert resp.status_code == 403
    assert "Only verified organisations can submit listings" in html(resp).split('data-testid="error-message"')[1]
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == "draft"


def test_submit_withdraw_reopen_with_the_version(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org, status="draft")
    c = client_for(app, org.memberships[0].user)
    page = html(c.get(f"/listings/{listing.id}"))
    assert 'data-testid="action-submit"' in page
    assert re.search(rf'name="version" type="hidden" value="{listing.version}"', page)  # sent back with the step
    version = listing.version
    resp = c.post(f"/listings/{listing.id}/act/submit", data={"version": version})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == "submitted"
    stale = c.post(f"/listings/{listing.id}/act/withdraw", data={"version": version})
    assert stale.status_code == 409
    fresh = db.session.get(Listing, listing.id).version
    assert c.post(f"/listings/{listing.id}/act/withdraw", data={"version": fresh}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == "withdrawn"
    assert c.post(f"/listings/{listing.id}/act/approve", data={"version": fresh}).status_code == 404
    assert c.post(f"/listings/{listing.id}/act/submit", data={}).status_code == 400


def test_editing_someone_elses_listing_is_forbidden(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    intruder = make.user(Role.ENTERPRISE)
    make.org(intruder, status="verified")
    c = client_for(app, intruder)
    assert c.get(f"/listings/{listing.id}/edit").status_code == 403
    resp = c.post(f"/listings/{listing.id}/edit", data=form(title="被篡改的标题"))
    assert resp.status_code == 403
    assert c.post(f"/listings/{listing.id}/act/withdraw", data={"version": listing.version}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).title == "稀土永磁电机高效冷却技术"


def test_editing_a_published_listing_makes_a_revision(app: Flask, client, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    owner = client_for(app, org.memberships[0].user)
    page = html(owner.get(f"/listings/{listing.id}/edit"))
    assert 'data-testid="revision-note"' in page and 'value="稀土永磁电机高效冷却技术"' in page
    resp = owner.post(f"/listings/{listing.id}/edit", data=form(title="新标题：高效冷却技术第二版"))
    assert resp.status_code == 302
    rev = db.session.scalars(db.select(Revision)).one()
    assert rev.status == "pending" and rev.after["title"] == "新标题：高效冷却技术第二版"
    public = html(client.get(f"/listings/{listing.id}"))
    assert "稀土永磁电机高效冷却技术" in public and "第二版" not in public
    assert "第二版" not in html(client.get("/listings/achievements"))
    # The owner sees the pending state, and the editor shows the proposed changes.
    assert 'data-testid="pending-revision"' in html(owner.get(f"/listings/{listing.id}"))
    editor = html(owner.get(f"/listings/{listing.id}/edit"))
    assert 'data-testid="pending-revision"' in editor and 'value="新标题：高效冷却技术第二版"' in editor
    assert 'data-testid="pending-marker"' in html(owner.get("/listings/mine"))


def test_editing_a_draft_changes_it_in_place(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org, status="draft")
    c = client_for(app, org.memberships[0].user)
    resp = c.post(f"/listings/{listing.id}/edit", data=form(title="草稿改名后的标题", negotiable="y",
                                                            amount_min="", amount_max=""))
    assert resp.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Listing, listing.id)
    assert saved.title == "草稿改名后的标题" and saved.negotiable and saved.amount_min is None
    assert db.session.scalar(db.select(db.func.count()).select_from(Revision)) == 0


def test_my_listings_filters_by_status_and_kind(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    make_listing(org, title="已发布的成果一号")
    make_listing(org, status="returned", title="被退回的成果二号")
    make_listing(org, Kind.DEMAND, status="draft", title="草稿需求三号")
    other = make.org(status="verified")
    make_listing(other, title="别人的成果")
    c = client_for(app, org.memberships[0].user)
    page = html(c.get("/listings/mine"))
    assert "已发布的成果一号" in page and "被退回的成果二号" in page and "草稿需求三号" in page
    assert "别人的成果" not in page
    assert "请补充技术指标" in page  # the operator's reason
    returned = html(c.get("/listings/mine?status=returned"))
    assert "被退回的成果二号" in returned and "已发布的成果一号" not in returned
    demands = html(c.get("/listings/mine?kind=demand"))
    assert "草稿需求三号" in demands and "已发布的成果一号" not in demands


def test_a_malformed_contact_email_is_refused_beside_its_field_in_chinese(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    c = client_for(app, org.memberships[0].user)
    for bad in ("wang@", "王工 at example.cn", "wang@example..cn", "wang@@example.cn"):
        resp = c.post("/listings/new/achievement", data=form(organisation_id=org.id, contact_email=bad),
                      headers={"Accept-Language": "zh-CN"})
        assert resp.status_code == 400, bad
        page = html(resp)
        assert _error_near(page, "contact_email") == "请输入有效的电子邮箱地址。", bad
        assert f'value="{bad}"' in page.replace("&#34;", '"'), bad  # the input is kept
    assert db.session.scalar(db.select(db.func.count()).select_from(Listing)) == 0
    resp = c.post("/listings/new/achievement", data=form(organisation_id=org.id, contact_email="Wang@Example.CN"))
    assert resp.status_code == 302
    assert db.session.scalars(db.select(Listing)).one().contact_email == "Wang@example.cn"
