"""The review queue found and ordered as the operator asks: text search over title and organisation, kind,
field, 盟市, what waits, three orders; everything in the address, kept by the pages and by the bulk decision.
Pages are read with a real HTML parser."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup

from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.listings.models import Listing
from tests.admin.moderation_support import (
    Owner,
    fresh,
    isolated,  # noqa: F401 - autouse fixture
)


def rows(client, query: str = "") -> list[str]:
    page = BeautifulSoup(client.get(f"/admin/listings/{query}").get_data(as_text=True), "html.parser")
    return [r.find("a").get_text(strip=True) for r in page.find_all("tr", attrs={"data-testid": "queue-row"})]


def age(listing: Listing, days: int) -> None:
    """Make the listing look as if it was submitted ``days`` ago."""
    db.session.get(Listing, listing.id).submitted_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    db.session.commit()


def test_search_by_title_or_organisation(make, signin, owner, operator):
    owner.listing("稀土永磁电机驱动技术")
    other = Owner(make)
    other.listing("乳酸菌发酵工艺")
    op = signin(operator)
    assert rows(op, "?q=永磁") == ["稀土永磁电机驱动技术"]
    assert rows(op, f"?q={other.org.name}") == ["乳酸菌发酵工艺"]
    assert rows(op, "?q=100%25") == [] and rows(op, "?q=_") == []  # LIKE wildcards are literal
    assert set(rows(op, "?q=++")) == {"稀土永磁电机驱动技术", "乳酸菌发酵工艺"}  # blank: no filter


def test_filters_by_kind_field_region_and_what_waits(make, signin, owner, operator):
    owner.listing("储能成果", fields=["energy_storage"])
    owner.listing("氢能需求", kind=Kind.DEMAND, fields=["hydrogen"])
    published = owner.listing("石墨烯成果", state="published", fields=["graphene"])
    owner.revise(published, summary="新的摘要")
    owner.listing("呼和浩特的成果", division_code="150102")
    op = signin(operator)
    assert rows(op, "?kind=demand") == ["氢能需求"]
    assert rows(op, "?field=energy_storage") == ["储能成果"]
    assert rows(op, "?region=150100") == ["呼和浩特的成果"]
    assert "呼和浩特的成果" not in rows(op, "?region=150200")
    assert rows(op, "?waiting=revision") == ["石墨烯成果"]
    assert "石墨烯成果" not in rows(op, "?waiting=submission")
    assert rows(op, "?kind=achievement&field=graphene&waiting=revision") == ["石墨烯成果"]
    assert len(rows(op, "?kind=x&field=nonsense&region=abc&waiting=maybe&sort=sideways")) == 4  # ignored


def test_three_orders(signin, owner, operator):
    for title, days in (("乙 等了五天", 5), ("甲 等了一天", 1), ("丙 等了九天", 9)):
        age(owner.listing(title), days)
    op = signin(operator)
    assert rows(op) == ["丙 等了九天", "乙 等了五天", "甲 等了一天"]
    assert rows(op, "?sort=oldest") == ["丙 等了九天", "乙 等了五天", "甲 等了一天"]
    assert rows(op, "?sort=newest") == ["甲 等了一天", "乙 等了五天", "丙 等了九天"]
    assert rows(op, "?sort=title") == sorted(["丙 等了九天", "乙 等了五天", "甲 等了一天"])


def test_a_revision_waits_from_when_it_was_proposed(signin, owner, operator):
    age(owner.listing("三天前提交的成果"), 3)
    published = owner.listing("三十天前发布的成果", state="published")
    age(published, 30)
    owner.revise(published, summary="刚刚提出的修改")
    assert rows(signin(operator)) == ["三天前提交的成果", "三十天前发布的成果"]  # the revision waited least


def test_the_filters_stay_in_the_form_the_pages_and_the_bulk_decision(signin, owner, operator):
    for n in range(3):
        owner.listing(f"储能成果 {n}", fields=["energy_storage"])
    owner.listing("别的领域", fields=["graphene"])
    op = signin(operator)
    query = "?q=储能&field=energy_storage&sort=title&per_page=2"
    page = BeautifulSoup(op.get(f"/admin/listings/{query}").get_data(as_text=True), "html.parser")
    filters = page.find("form", attrs={"data-testid": "queue-filters"})
    assert filters.find("input", attrs={"name": "q"})["value"] == "储能"
    assert filters.find("select", attrs={"name": "field"}).find("option", selected=True)["value"] == "energy_storage"
    assert filters.find("select", attrs={"name": "sort"}).find("option", selected=True)["value"] == "title"
    for control in filters.find_all(["input", "select"]):  # every control has its label
        assert page.find("label", attrs={"for": control["id"]}) is not None
    next_page = [a["href"] for a in page.select(".pagination a.page-link") if a.get_text(strip=True) == "2"]
    assert next_page and parse_qs(urlsplit(next_page[0]).query)["field"] == ["energy_storage"]
    bulk = page.find("form", attrs={"data-testid": "bulk-form"})
    action = parse_qs(urlsplit(bulk["action"]).query)
    assert action["q"] == ["储能"] and action["field"] == ["energy_storage"] and action["sort"] == ["title"]
    ticked = [box["value"] for box in bulk.find_all("input", attrs={"name": "selected"})]
    assert len(ticked) == 2
    resp = op.post(bulk["action"], data={"selected": ticked, "action": "approve", "reason": ""})
    assert resp.status_code == 302
    back = parse_qs(urlsplit(resp.headers["Location"]).query)
    assert back["field"] == ["energy_storage"] and back["q"] == ["储能"]
    assert all(fresh(int(v.split(":")[0])).status == "published" for v in ticked)
    assert rows(op, "?q=储能&field=energy_storage") == ["储能成果 2"]


def test_the_history_does_not_repeat_the_action_as_the_state(make, signin, owner):
    listing = owner.listing("稀土抛光粉技术")
    op = signin(make.user(Role.OPERATOR))
    page = BeautifulSoup(op.get(f"/admin/listings/{listing.id}").get_data(as_text=True), "html.parser")
    cells = [tr.find_all("td")[2].get_text(" ", strip=True)
             for tr in page.find("table", attrs={"data-testid": "history"}).find("tbody").find_all("tr")]
    assert "已提交待审核" in cells
    assert not any("→" in c and c.split("→")[0].strip() == c.split("→")[1].strip() for c in cells)
