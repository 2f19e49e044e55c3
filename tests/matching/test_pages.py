"""Suggestions on the detail page and the owner's page, feedback, the console, and what strangers never see."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.matching import profiles, recommend
from techmarket.matching.models import MatchFeedback
from techmarket.matching.views import _console_cache
from tests.factories import Factories
from tests.listings.pages_support import (
    client_for,
    html,
    isolated,  # noqa: F401 - autouse fixture
    make_listing,
)

SECRET = "钒钛磁铁矿尾矿"  # only in the confidential demand's details


def suggestion(page: str, listing_id: int) -> str:
    """The HTML of one suggestion of a page's suggestions box ("" when it is not suggested)."""
    box = page.partition('data-testid="matches"')[2].partition("</section>")[0]
    return next((chunk for chunk in box.split('data-testid="match"')[1:]
                 if chunk.startswith(f' data-listing="{listing_id}"')), "")


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Each test has a fresh database whose listing ids may repeat: start the per-version caches empty."""
    profiles.forget()
    recommend.forget()
    _console_cache._data.clear()
    yield
    profiles.forget()
    recommend.forget()


@pytest.fixture()
def market(make: Factories) -> dict:
    seller = make.org(status="verified", division="150602")  # 鄂尔多斯, next to 包头
    buyer = make.org(status="verified", division="150207")  # 包头
    other = make.org(status="verified")
    achievement = make_listing(seller, Kind.ACHIEVEMENT, title="稀土永磁电机高效冷却技术",
                               summary="稀土永磁电机的高效冷却结构。", division_code="150602",
                               description=f"可用于{SECRET}综合利用的选矿设备。", modes=["transfer"],
                               keywords=["稀土", "电机", "选矿", SECRET])
    unrelated = make_listing(other, Kind.ACHIEVEMENT, title="马铃薯脱毒种薯繁育技术", fields=["agriculture"],
                             summary="马铃薯种薯。", keywords=["马铃薯"],
                             description="种薯繁育。")
    demand = make_listing(buyer, Kind.DEMAND, title="寻求稀土永磁电机冷却方案", summary="稀土永磁电机散热。",
                          fields=["rare_earth"], division_code="150207", keywords=["稀土", "电机"],
                          modes=["transfer"], amount_min=None, amount_max=None, negotiable=True)
    secret = make_listing(buyer, Kind.DEMAND, title="选矿设备升级需求", summary="寻求选矿设备。",
                          description=f"处理{SECRET}的磁选设备。", technical_targets=f"{SECRET}回收率 > 80%",
                          confidentiality="verified_only", keywords=["选矿"], fields=["metallurgy"])
    return {"seller": seller, "buyer": buyer, "achievement": achievement, "unrelated": unrelated,
            "demand": demand, "secret": secret}


def test_a_demand_page_shows_matching_achievements_with_reasons(client: FlaskClient, market: dict) -> None:
    page = html(client.get(f"/listings/{market['demand'].id}"))
    assert 'data-testid="matches"' in page
    assert "匹配的科技成果" in page
    assert f'data-listing="{market["achievement"].id}"' in page
    assert f'data-listing="{market["unrelated"].id}"' not in page
    for reason in ("terms", "field", "neighbour", "mode"):
        assert f'data-reason="{reason}"' in page
    assert any(f"<mark>{t}</mark>" in page for t in ("永磁", "稀土永磁", "稀土永磁电机"))
    assert "鄂尔多斯市" in page
    assert 'name="verdict"' not in page  # only the owners rate suggestions


def test_an_achievement_page_shows_matching_demands(client: FlaskClient, market: dict) -> None:
    page = html(client.get(f"/listings/{market['achievement'].id}"))
    assert "匹配的技术需求" in page
    assert f'data-listing="{market["demand"].id}"' in page


def test_a_stranger_never_sees_a_confidential_demands_details(app: Flask, client: FlaskClient, make: Factories,
                                                              market: dict) -> None:
    achievement, secret = market["achievement"], market["secret"]
    # The achievement itself names the term in public; the suggestion must not say the demand shares it.
    anonymous = suggestion(html(client.get(f"/listings/{achievement.id}")), secret.id)
    assert "选矿" in anonymous  # found by its public title and summary (选矿设备)
    assert "钒钛" not in anonymous and "尾矿" not in anonymous
    stranger = client_for(app, make.user(Role.ENTERPRISE))
    assert "尾矿" not in suggestion(html(stranger.get(f"/listings/{achievement.id}")), secret.id)
    own_page = html(stranger.get(f"/listings/{secret.id}"))
    assert "尾矿" not in own_page and 'data-testid="matches"' in own_page
    # The same suggestion for an operator does name the shared detail: the checks above can fail.
    operator = client_for(app, make.operator())
    shown = suggestion(html(operator.get(f"/listings/{achievement.id}")), secret.id)
    assert "<mark>尾矿</mark>" in shown


def test_the_owner_marks_a_suggestion_useful_then_not_relevant(app: Flask, make: Factories, market: dict) -> None:
    demand, achievement = market["demand"], market["achievement"]
    owner = client_for(app, market["buyer"].memberships[0].user)
    page = html(owner.get("/matching/mine"))
    assert "为您" in page or "推荐" in page
    assert 'name="verdict"' in page and f'data-listing="{achievement.id}"' in page
    url = f"/matching/{demand.id}/feedback/{achievement.id}"
    resp = owner.post(url, data={"verdict": "useful", "score": "0.8", "next": f"/listings/{demand.id}"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/listings/{demand.id}")
    owner.post(url, data={"verdict": "irrelevant", "next": "https://evil.example/"})
    rows = db.session.scalars(select(MatchFeedback)).all()
    assert [(r.listing_id, r.candidate_id, r.verdict) for r in rows] == [(demand.id, achievement.id, "irrelevant")]
    assert 'aria-pressed="true">不相关' in html(owner.get(f"/listings/{demand.id}")).replace("\n", "")


def test_feedback_is_refused_to_strangers_and_for_nonsense(app: Flask, make: Factories, market: dict) -> None:
    demand, achievement = market["demand"], market["achievement"]
    stranger = client_for(app, make.user(Role.ENTERPRISE))
    assert stranger.post(f"/matching/{demand.id}/feedback/{achievement.id}",
                         data={"verdict": "useful"}).status_code == 403
    owner = client_for(app, market["buyer"].memberships[0].user)
    bad = owner.post(f"/matching/{demand.id}/feedback/{achievement.id}", data={"verdict": "maybe"})
    assert bad.status_code == 400
    same_kind = owner.post(f"/matching/{demand.id}/feedback/{market['secret'].id}", data={"verdict": "useful"})
    assert same_kind.status_code == 400
    assert db.session.scalars(select(MatchFeedback)).all() == []


def test_the_console_shows_feedback_and_demands_without_a_good_match(app: Flask, make: Factories,
                                                                     market: dict) -> None:
    make_listing(market["buyer"], Kind.DEMAND, title="沙棘果汁饮料加工需求", summary="沙棘加工。",
                 description="沙棘。", keywords=["沙棘"], fields=["agriculture"], technical_targets="出汁率")
    owner = client_for(app, market["buyer"].memberships[0].user)
    owner.post(f"/matching/{market['demand'].id}/feedback/{market['achievement'].id}", data={"verdict": "useful"})
    assert owner.get("/matching/console").status_code == 403
    page = html(client_for(app, make.operator()).get("/matching/console"))
    assert 'data-testid="feedback-figures"' in page and "100%" in page
    assert 'href="/matching/console"' in page.partition('data-testid="staff-nav"')[2]  # in the operator's menu
    assert 'data-testid="unmatched-by-field"' in page
    unmatched = page.partition('data-testid="unmatched-by-field"')[2]
    assert "沙棘果汁饮料加工需求" in unmatched  # nothing published fits it
    assert "寻求稀土永磁电机冷却方案" not in unmatched


def test_enough_listings_holding_the_most_telling_terms_make_the_wider_search_unneeded(
        app: Flask, client: FlaskClient, make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    seller, buyer = make.org(status="verified"), make.org(status="verified")
    both = [make_listing(seller, Kind.ACHIEVEMENT, title=f"沙棘果汁浓缩工艺{n}", summary="沙棘果汁浓缩。",
                         keywords=["沙棘", "果汁"], description="浓缩。") for n in (1, 2)]
    one = make_listing(seller, Kind.ACHIEVEMENT, title="沙棘育苗技术", summary="沙棘育苗。", keywords=["沙棘"],
                       description="育苗。")
    demand = make_listing(buyer, Kind.DEMAND, title="沙棘果汁浓缩设备需求", summary="沙棘果汁浓缩。",
                          keywords=["沙棘", "果汁"], description="浓缩设备。", technical_targets="浓缩倍数")
    wide = html(client.get(f"/listings/{demand.id}"))
    assert all(f'data-listing="{x.id}"' in wide for x in [*both, one])  # too few hold all: any term counts
    recommend.forget()
    monkeypatch.setattr(recommend, "NARROW_ENOUGH", 2)
    narrow = html(client.get(f"/listings/{demand.id}"))
    assert all(f'data-listing="{x.id}"' in narrow for x in both)
    assert f'data-listing="{one.id}"' not in narrow


def test_reasons_are_listed_with_the_readers_punctuation(client: FlaskClient, market: dict) -> None:
    """The English page joined the shared terms with the Chinese 、."""
    english = html(client.get(f"/listings/{market['demand'].id}?lang=en"))
    terms = re.search(r'<li data-reason="terms">(.*?)</li>', english, re.S)
    assert terms and "</mark>, <mark>" in terms.group(1) and "、" not in terms.group(1)
    chinese = html(client.get(f"/listings/{market['demand'].id}?lang=zh_Hans_CN"))
    assert "</mark>、<mark>" in chinese


def test_recommended_for_your_listings_pages_through_every_listing(app: Flask, make: Factories) -> None:
    """The page stopped silently at ten listings (eighty suggestions, one very long page); now it pages."""
    org = make.org(status="verified")
    titles = [f"稀土永磁电机冷却技术第{n}号" for n in range(4)]
    for title in titles:
        make.listing(org, title=title)
    owner = client_for(app, org.memberships[0].user)
    first = html(owner.get("/matching/mine"))
    second = html(owner.get("/matching/mine?page=2"))
    assert first.count('data-testid="matches"') == 3 and second.count('data-testid="matches"') == 1
    assert 'class="pagination"' in first and "page=2" in first
    assert all(t in first + second for t in titles)
    assert owner.get("/matching/mine?page=abc").status_code == 200
