"""Posting what one's organisation already posted: a warning with a link, the input kept, save anyway."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import Flask

from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.listings.duplicates import similarity
from techmarket.listings.models import Listing
from tests.factories import Factories
from tests.listings.pages_support import client_for, form, html, isolated, make_listing  # noqa: F401

DEMAND = "煤化工高盐废水零排放技术需求"


def _count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Listing)) or 0


def test_titles_alike_after_normalisation_or_by_bigrams() -> None:
    assert similarity("煤化工 高盐废水，零排放技术需求", "煤化工高盐废水零排放技术需求！") == 1.0
    assert similarity("ＰＥＭ电解槽", "pem电解槽") == 1.0  # full-width and case
    assert similarity("风光储一体化微电网控制系统", "风光储一体化微电网控制系统V2") >= 0.8
    assert similarity("风光储一体化微电网控制系统", "稀土永磁电机高效冷却技术") < 0.2
    assert similarity("", "—") == 0.0


def test_a_near_duplicate_demand_is_flagged_with_a_link_and_can_be_saved_anyway(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    first = make_listing(org, Kind.DEMAND, title=DEMAND, status="published")
    c = client_for(app, org.memberships[0].user)
    typed = form(Kind.DEMAND, organisation_id=org.id, title=f"{DEMAND}！", summary="第二次填写的摘要。")
    resp = c.post("/listings/new/demand", data=typed)
    assert resp.status_code == 200
    soup = BeautifulSoup(html(resp), "html.parser")
    warning = soup.find(attrs={"data-testid": "duplicate-warning"})
    assert warning is not None and "已发布过" in warning.get_text()
    links = [a["href"] for a in warning.find_all("a", attrs={"data-testid": "duplicate-link"})]
    assert links == [f"/listings/{first.id}"]
    assert soup.find("input", attrs={"name": "title"})["value"] == f"{DEMAND}！"  # the input is kept
    assert soup.find("textarea", attrs={"name": "summary"}).get_text().strip() == "第二次填写的摘要。"
    assert _count() == 1  # nothing saved yet

    resp = c.post("/listings/new/demand", data=typed | {"confirm_duplicate": "1"})
    assert resp.status_code == 302
    assert _count() == 2


def test_an_achievement_with_a_very_similar_title_is_flagged(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    make_listing(org, Kind.ACHIEVEMENT, title="风光储一体化微电网控制系统", status="draft")
    c = client_for(app, org.memberships[0].user)
    resp = c.post("/listings/new/achievement", data=form(organisation_id=org.id, title="风光储一体化微电网控制系统V2"))
    soup = BeautifulSoup(html(resp), "html.parser")
    warning = soup.find(attrs={"data-testid": "duplicate-warning"})
    assert warning is not None and "风光储一体化微电网控制系统" in warning.get_text()
    assert _count() == 1


def test_no_warning_for_other_organisations_other_kinds_or_withdrawn_listings(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    other = make.org(status="verified")
    make_listing(other, Kind.DEMAND, title=DEMAND, status="published")  # someone else's
    make_listing(org, Kind.ACHIEVEMENT, title=DEMAND, status="published")  # the other kind
    make_listing(org, Kind.DEMAND, title=DEMAND, status="withdrawn")  # withdrawn
    c = client_for(app, org.memberships[0].user)
    resp = c.post("/listings/new/demand", data=form(Kind.DEMAND, organisation_id=org.id, title=DEMAND))
    assert resp.status_code == 302, html(resp)[:1000]
    assert _count() == 4
