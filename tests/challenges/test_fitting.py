"""An achievement's matching panel lists the open 揭榜挂帅 calls that fit it (found through the search service by
the achievement's terms, the achievement's field first); closed calls and demands get none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from techmarket.challenges import fitting
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.matching import profiles, recommend
from techmarket.search.service import SearchService
from tests.challenges.builders import pass_deadline, scene
from tests.factories import Factories
from tests.listings.pages_support import client_for, html, isolated, make_listing  # noqa: F401 - autouse fixture


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    for forget in (profiles.forget, recommend.forget, fitting.forget):
        forget()
    yield
    for forget in (profiles.forget, recommend.forget, fitting.forget):
        forget()


def test_open_calls_that_fit_an_achievement_are_on_its_page(app: Flask, make: Factories) -> None:
    s = scene(make)  # 高性能稀土永磁材料制备技术攻关, field rare_earth, open
    seller = make.org(status="verified")
    magnet = make_listing(seller, Kind.ACHIEVEMENT, title="高矫顽力稀土永磁材料晶界扩散技术",
                          summary="提升钕铁硼磁体矫顽力的晶界扩散工艺。", keywords=["稀土永磁", "矫顽力"])
    potato = make_listing(seller, Kind.ACHIEVEMENT, title="马铃薯脱毒种薯繁育技术", fields=["agriculture"],
                          summary="马铃薯种薯。", keywords=["马铃薯"], description="种薯繁育。")
    demand = make_listing(seller, Kind.DEMAND, title="寻求稀土永磁材料矫顽力提升方案", fields=["rare_earth"],
                          keywords=["稀土永磁", "矫顽力"])
    search = component(SearchService)
    found = fitting.fitting_calls(db.session, search, magnet, details=True)
    assert [(f.call.id, f.same_field) for f in found] == [(s.call.id, True)]
    assert "<mark>" in str(found[0].title)
    assert fitting.fitting_calls(db.session, search, potato, details=True) == []
    assert fitting.fitting_calls(db.session, search, demand, details=True) == []  # demands: the demands' matching

    page = html(client_for(app, s.applicant).get(f"/listings/{magnet.id}"))
    box = page.partition('data-testid="matches"')[2].partition("</section>")[0]
    assert 'data-testid="fitting-calls"' in box and f'data-call="{s.call.id}"' in box
    assert f'href="/challenges/{s.call.id}"' in box
    assert 'data-testid="fitting-calls"' not in html(app.test_client().get(f"/listings/{demand.id}"))

    pass_deadline(s.call)  # no longer taking applications: gone at once, though the ranking is kept
    assert fitting.fitting_calls(db.session, search, magnet, details=True) == []
    assert 'data-testid="fitting-calls"' not in html(app.test_client().get(f"/listings/{magnet.id}"))
