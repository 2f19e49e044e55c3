"""Demo listings read like a real market: each title joins a technology with a use it really serves."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from techmarket.demo.listings_build import THEMES, build
from techmarket.demo.listings_data import ACHIEVEMENT_TITLES, DEMAND_TITLES
from techmarket.listings.constants import Kind

TODAY = dt.date(2026, 12, 3)
BY_KEY = {t.key: t for t in THEMES}


def _parts(template: str, title: str) -> dict[str, str] | None:
    m = re.fullmatch(re.escape(template).replace(r"\{need\}", "(?P<need>.+)").replace(r"\{use\}", "(?P<use>.+)"),
                     title)
    return m.groupdict() if m else None


@pytest.fixture(scope="module")
def listings():
    return build(TODAY)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.key)
def test_every_technology_names_the_uses_it_serves(theme) -> None:
    assert len(theme.fits) == len(theme.techs)
    assert all(fits and all(0 <= u < len(theme.uses) for u in fits) for fits in theme.fits)
    assert sum(len(f) for f in theme.fits) >= theme.achievements  # enough sensible pairs for distinct titles
    assert set().union(*map(set, theme.fits)) == set(range(len(theme.uses)))  # no use is left unused


def test_achievement_titles_combine_a_technology_with_one_of_its_own_uses(listings) -> None:
    achievements = [x for x in listings if x.kind == Kind.ACHIEVEMENT]
    assert len(achievements) >= 200
    for item in achievements:
        theme = BY_KEY[item.key.split(":")[2]]
        readings = [(t, u) for template in ACHIEVEMENT_TITLES for t, (tech, _spec) in enumerate(theme.techs)
                    for u, use in enumerate(theme.uses) if template.format(tech=tech, use=use) == item.data.title]
        assert readings, f"{item.data.title!r} is not made of the parts of theme {theme.key}"
        assert all(u in theme.fits[t] for t, u in readings), f"{item.data.title!r}: the use does not fit"


def test_demand_titles_use_their_own_need(listings) -> None:
    for item in (x for x in listings if x.kind == Kind.DEMAND):
        theme = BY_KEY[item.key.split(":")[2]]
        needs = {need for need, *_rest in theme.needs}
        assert any((p := _parts(t, item.data.title)) and p["need"] in needs for t in DEMAND_TITLES), item.data.title


def test_the_reported_nonsense_is_gone(listings) -> None:
    titles = {x.data.title for x in listings}
    assert not any("储氢" in t and "脱硝" in t for t in titles)
    assert not any("抛光" in t and "储氢" in t for t in titles)
