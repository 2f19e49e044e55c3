"""Region names in the reader's language: the region and its twelve leagues and cities have their customary
English names on English pages; a banner, county or district keeps its Chinese name."""

from __future__ import annotations

from techmarket.orgs.places import ENGLISH


def test_the_twelve_leagues_and_cities_and_the_region_have_english_names(app) -> None:
    from sqlalchemy import select

    from techmarket.extensions import db
    from techmarket.orgs.models import Division

    leagues = db.session.scalars(select(Division.code).where(Division.level.in_(["prefecture", "province"])))
    assert set(leagues) == set(ENGLISH)


def test_listing_and_search_pages_name_the_city_in_the_reader_s_language(client, make) -> None:
    listing = make.listing(title="稀土永磁电机控制技术", division_code="150207")
    zh = client.get(f"/listings/{listing.id}").get_data(as_text=True)
    assert "包头市 · 九原区" in zh
    en = client.get(f"/listings/{listing.id}?lang=en").get_data(as_text=True)
    assert "Baotou · 九原区" in en and "包头市" not in en
    found = client.get("/search?q=稀土&lang=en").get_data(as_text=True)
    assert found.count("Baotou") >= 2 and "包头市" not in found  # the result's place and the region facet


def test_the_region_select_of_the_organisation_form_is_english_in_english(client, make, login) -> None:
    login(make.user())
    page = client.get("/orgs/new?lang=en").get_data(as_text=True)
    assert "Hohhot (the whole league or city)" in page and "Alxa League" in page
    assert "（全市/盟）" not in page
    page = client.get("/orgs/new?lang=zh_Hans_CN").get_data(as_text=True)
    assert "呼和浩特市（全市/盟）" in page
