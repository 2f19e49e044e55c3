"""The outbox carries every change to Elasticsearch, survives an outage, and catches up on recovery."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from techmarket.core.clock import utcnow
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.listings import services
from techmarket.search import outbox
from techmarket.search.documents import SearchQuery
from techmarket.search.elastic import ElasticsearchBackend
from techmarket.search.models import SearchOutbox
from techmarket.search.query import parse
from techmarket.search.service import SearchService
from tests.search.conftest import OPERATOR
from tests.search.contract_servers import (  # noqa: F401
    closed_port_url,
    es_server,
    es_url,
    make_backend,
    use_elasticsearch,
)


@pytest.fixture()
def es(app: Flask, es_url: str) -> ElasticsearchBackend:  # noqa: F811
    backend = make_backend(es_url)
    use_elasticsearch(app, backend)
    return backend


def _rows() -> list[SearchOutbox]:
    db.session.rollback()  # end this session's read transaction: see what the drains committed since
    return list(db.session.scalars(select(SearchOutbox).order_by(SearchOutbox.id)))


def _search(app: Flask, text: str):
    return component(SearchService, app).search(db.session, SearchQuery(terms=parse(text).terms))


def test_changes_reach_elasticsearch_after_commit(app, es, publish):
    a = publish("高性能钕铁硼稀土永磁材料")
    assert _rows() == []  # drained inline right after the commit
    assert es.ids("listing") == {a.id}
    result = _search(app, "稀土永磁")
    assert result.backend == "elasticsearch" and not result.degraded
    assert [h.object_id for h in result.hits] == [a.id]
    services.transition(db.session, OPERATOR, a, "withdraw", reason="违规")
    db.session.commit()
    assert es.ids("listing") == set()
    assert _rows() == []


def test_outage_answers_from_database_and_keeps_every_change(app, es, publish):
    down = make_backend(closed_port_url())
    use_elasticsearch(app, down)
    a = publish("风光储一体化储能系统")
    b = publish("石墨烯导电浆料")
    rows = {r.object_id: r for r in _rows()}
    assert set(rows) == {a.id, b.id}
    first = rows[a.id]  # the first drain found the server down and opened the breaker ...
    assert first.attempts == 1 and first.last_error and "unreachable" in first.last_error
    assert first.next_attempt_at > utcnow()  # backing off
    assert rows[b.id].attempts == 0 and rows[b.id].last_error is None  # ... so the second asked nothing
    assert "marked down" in str(outbox.drain())

    result = _search(app, "储能")
    assert result.degraded and result.backend == "database"
    assert [h.object_id for h in result.hits] == [a.id]

    again = outbox.drain(due_only=False)  # still down (--now asks anyway): attempts go up, the wait doubles
    assert again.failed == 2 and again.rows == 0
    rows = {r.object_id: r for r in _rows()}
    assert (rows[a.id].attempts, rows[b.id].attempts) == (2, 1)
    assert rows[a.id].next_attempt_at > utcnow() + dt.timedelta(seconds=2)

    use_elasticsearch(app, es)  # recovery
    assert outbox.drain().rows == 0  # nothing is due yet: backoff is respected
    report = outbox.drain(due_only=False)
    assert report.rows == 2 and report.failed == 0
    assert _rows() == []
    assert es.ids("listing") == {a.id, b.id}
    result = _search(app, "储能")
    assert not result.degraded and [h.object_id for h in result.hits] == [a.id]


def test_backoff_is_exponential_and_capped():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 10)] == [2, 4, 8, 1024]
    assert outbox.backoff(12).total_seconds() == 3600
    assert outbox.backoff(500).total_seconds() == 3600


def test_rows_are_coalesced_and_the_current_state_is_sent(app, es, publish):
    a = publish("草原生态修复技术")
    for _ in range(3):
        db.session.add(SearchOutbox(doc_type="listing", object_id=a.id))
    a.title = "荒漠化草原生态修复技术"
    db.session.flush()  # as services do (sync collects at flush)
    db.session.commit()  # a fourth row, written by the sync; the inline drain sends them all as one write
    assert _rows() == []
    assert es.ids("listing") == {a.id}
    assert [h.object_id for h in es.search(SearchQuery(terms=parse("荒漠化").terms)).hits] == [a.id]


def test_unknown_type_is_kept_with_its_error_and_does_not_block_others(app, es, publish):
    a = publish("马铃薯脱毒种薯")
    db.session.add(SearchOutbox(doc_type="no_such_type", object_id=1))
    db.session.add(SearchOutbox(doc_type="listing", object_id=a.id))
    db.session.commit()  # no indexed object changed: nothing enqueues a drain, the timer would
    report = outbox.drain()
    assert report.rows == 1 and report.failed == 1
    rows = _rows()
    assert [(r.doc_type, r.attempts) for r in rows] == [("no_such_type", 1)]
    assert "unknown indexed type" in rows[0].last_error


def test_deleted_objects_are_deleted_from_the_index(app, es, publish):
    a = publish("光伏组件清洗机器人")
    assert es.ids("listing") == {a.id}
    db.session.add(SearchOutbox(doc_type="listing", object_id=a.id + 1000))  # never existed
    services.transition(db.session, OPERATOR, a, "withdraw", reason="测试")
    db.session.commit()
    assert es.ids("listing") == set()
    assert _rows() == []


def test_concurrent_drains_send_everything_once(app, es, publish):
    use_elasticsearch(app, make_backend(closed_port_url()))
    listings = [publish(f"储能电站消防技术{i}") for i in range(8)]
    for listing in listings:  # more rows than one batch, several per object
        db.session.add(SearchOutbox(doc_type="listing", object_id=listing.id))
    db.session.commit()
    assert len(_rows()) == 16
    ids = {x.id for x in listings}
    use_elasticsearch(app, es)
    db.session.remove()
    errors: list[BaseException] = []
    reports: list[outbox.DrainReport] = []

    def run() -> None:
        try:
            with app.app_context():
                reports.append(outbox.drain(batch_size=3, due_only=False))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sum(r.rows for r in reports) == 16  # each row settled by exactly one drain
    assert db.session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    assert es.ids("listing") == ids
