"""The database index follows every change in the same transaction."""

from __future__ import annotations

from techmarket.extensions import db
from techmarket.listings import services
from techmarket.search.database import DatabaseBackend
from techmarket.search.documents import SearchQuery
from techmarket.search.query import parse
from tests.search.conftest import OPERATOR


def _search(text: str, **kw) -> list[int]:
    q = SearchQuery(terms=parse(text).terms, **kw)
    return [h.object_id for h in DatabaseBackend(db.session).search(q).hits]


def test_published_listing_is_found_and_unpublished_is_not(app, publish):
    a = publish("高性能钕铁硼稀土永磁材料制备技术")
    publish("草原生态修复技术", publish=False)
    assert _search("稀土永磁") == [a.id]
    assert _search("草原") == []


def test_withdrawing_removes_from_index(app, publish, make):
    a = publish("风光储一体化储能系统")
    assert _search("储能") == [a.id]
    services.transition(db.session, OPERATOR, a, "withdraw", reason="违规")
    db.session.commit()
    assert _search("储能") == []


def test_rollback_leaves_index_unchanged(app, publish):
    a = publish("石墨烯导电浆料")
    a.title = "完全不同的标题"
    db.session.flush()
    db.session.rollback()
    assert _search("石墨烯") == [a.id]


def test_facets_and_filters(app, publish):
    publish("稀土抛光粉", fields=("rare_earth",), division="150207")
    publish("稀土储氢合金", fields=("rare_earth", "hydrogen"), division="150602")
    q = SearchQuery(terms=parse("稀土").terms)
    result = DatabaseBackend(db.session).search(q)
    assert result.total == 2
    assert result.facets["field"]["rare_earth"] == 2 and result.facets["field"]["hydrogen"] == 1
    assert result.facets["region"] == {"150200": 1, "150600": 1}
    assert len(_search("稀土", filters={"region": ["150600"]})) == 1
