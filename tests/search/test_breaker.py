"""Running as deployed: a hung Elasticsearch must not stall every worker (one breaker shared by all processes),
the outbox catches up when it answers again, and an index that lost its data is noticed and rebuilt."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from techmarket.app import create_app
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.search import outbox
from techmarket.search.documents import SearchQuery, SearchResult
from techmarket.search.elastic import ElasticsearchBackend
from techmarket.search.models import SearchOutbox
from techmarket.search.query import parse
from techmarket.search.service import SearchService
from techmarket.search.tokenizer import TOKENIZER
from tests.conftest import _overrides
from tests.core.test_services_redis import redis_url  # noqa: F401
from tests.search.contract_servers import (  # noqa: F401
    closed_port_url,
    es_server,
    es_url,
    make_backend,
    use_elasticsearch,
)

TIMEOUT = 1.0


@pytest.fixture()
def hung_url() -> Iterator[str]:
    """A server that accepts connections and never answers, as a stuck Elasticsearch node does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.05)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def _timed_search(app: Flask, text: str = "储能") -> tuple[SearchResult, float]:
    TOKENIZER.index_text(text)  # jieba loads its dictionary on first use: not part of what is timed
    with app.app_context():
        started = time.monotonic()
        result = component(SearchService, app).search(db.session, SearchQuery(terms=parse(text).terms))
        elapsed = time.monotonic() - started
        db.session.remove()
    return result, elapsed


def _instances(database_url: str, folders: list, es: str, **extra: object) -> list[Flask]:
    """Web processes of one installation (two gunicorn workers, or two instances)."""
    return [create_app({**_overrides(database_url, folder), "SEARCH_BACKEND": "elasticsearch",
                        "ELASTICSEARCH_URL": es, "ELASTICSEARCH_TIMEOUT": TIMEOUT, **extra}) for folder in folders]


def _dispose(apps: list[Flask]) -> None:
    for a in apps:
        with a.app_context():
            db.engine.dispose()


def test_a_hung_server_costs_one_timeout_for_all_workers_of_the_instance(database, tmp_path, hung_url):
    _kind, url = database
    apps = _instances(url, [tmp_path, tmp_path], hung_url)  # one instance folder: the state is a file there
    try:
        first, waited = _timed_search(apps[0])
        assert first.degraded and first.degraded_reason == "unavailable" and first.backend == "database"
        assert waited >= TIMEOUT * 0.8  # the first one waits out the (short) timeout, once: no retry
        assert waited < TIMEOUT * 3
        second, waited = _timed_search(apps[1])  # another worker: does not wait
        assert second.degraded and waited < TIMEOUT / 2
        page = apps[1].test_client().get("/search?q=储能")
        assert page.status_code == 200 and 'data-testid="notice-degraded"' in page.get_data(as_text=True)
    finally:
        _dispose(apps)


def test_the_breaker_is_shared_through_redis_across_instances(database, tmp_path, hung_url, redis_url):  # noqa: F811
    _kind, url = database
    apps = _instances(url, [tmp_path / "a", tmp_path / "b"], hung_url, SEARCH_SHARED_STATE="redis",
                      REDIS_URL=redis_url)
    try:
        assert _timed_search(apps[0])[1] >= TIMEOUT * 0.8
        result, waited = _timed_search(apps[1])  # another instance folder, same Redis
        assert result.degraded and waited < TIMEOUT / 2
    finally:
        _dispose(apps)


@pytest.fixture()
def es(app: Flask, es_url: str) -> ElasticsearchBackend:  # noqa: F811
    backend = make_backend(es_url)
    use_elasticsearch(app, backend)
    return backend


def _search(app: Flask, text: str) -> SearchResult:
    return component(SearchService, app).search(db.session, SearchQuery(terms=parse(text).terms))


def _waiting() -> list[int]:
    db.session.rollback()
    return list(db.session.scalars(select(SearchOutbox.object_id)))


def _outage(app: Flask, es: ElasticsearchBackend, publish):
    """Elasticsearch goes down, a listing is published (its change waits), then the server is back."""
    service = component(SearchService, app)
    service.breaker.cooldown = 600
    before = publish("储能电池热管理系统")
    service.es = make_backend(closed_port_url())
    during = publish("风光储一体化储能电站")
    assert _waiting() == [during.id] and service.breaker.status() is not None
    service.es = es  # the server answers again; nobody has asked it yet
    return service, before, during


def _cool_down_over(app: Flask) -> None:
    """As if the breaker's cool-down had run out (without sleeping through it)."""
    state = component(SearchService, app).state
    state.set("breaker", {**state.get("breaker"), "until": time.time() - 1})


def test_half_open_probe_closes_the_breaker_and_drains_the_outbox(app, es, publish):
    service, before, during = _outage(app, es, publish)
    result = _search(app, "储能")
    assert result.degraded and result.backend == "database"  # still cooling down: not asked
    assert es.ids("listing") == {before.id}
    _cool_down_over(app)
    probe = _search(app, "储能")  # the one probe: Elasticsearch answers, the breaker closes, the outbox drains
    assert not probe.degraded and probe.backend == "elasticsearch"
    assert service.breaker.status() is None
    assert _waiting() == []  # although its backoff had not expired and nothing else was written
    assert es.ids("listing") == {before.id, during.id}
    assert {h.object_id for h in _search(app, "储能").hits} == {before.id, during.id}


def test_the_scheduled_drain_probes_and_catches_up_a_quiet_site(app, es, publish, runner):
    service, before, during = _outage(app, es, publish)
    blocked = runner.invoke(args=["search", "drain"])  # as the timer runs it, within the cool-down
    assert blocked.exit_code == 1 and "marked down" in blocked.output
    assert _waiting() == [during.id]
    _cool_down_over(app)
    sent = runner.invoke(args=["search", "drain"])  # after it: ping, close, send what waited (backoff or not)
    assert sent.exit_code == 0, sent.output
    assert "1 change(s) sent" in sent.output
    assert _waiting() == [] and service.breaker.status() is None
    assert es.ids("listing") == {before.id, during.id}


def test_drain_every_keeps_draining_on_a_schedule(app, es, publish, runner, monkeypatch):
    _outage(app, es, publish)
    naps: list[float] = []

    def nap(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise SystemExit(0)  # stop the scheduler after its second round
        _cool_down_over(app)

    monkeypatch.setattr("techmarket.search.cli.sleep", nap)
    result = runner.invoke(args=["search", "drain", "--every", "60"])
    assert naps == [60, 60]
    assert "marked down" in result.output and "1 change(s) sent" in result.output
    assert _waiting() == []


def test_a_drain_does_not_wait_for_a_hung_server_while_the_breaker_is_open(app, es, publish, hung_url):
    service = component(SearchService, app)
    service.es = make_backend(hung_url, timeout=TIMEOUT, write_timeout=TIMEOUT)
    service.es.client = service.es.client.options(request_timeout=TIMEOUT)
    started = time.monotonic()
    publish("草原生态修复技术")  # the inline drain after the commit waits once, and opens the breaker
    assert time.monotonic() - started >= TIMEOUT * 0.8
    assert service.breaker.status() is not None
    started = time.monotonic()
    report = outbox.drain()  # the next drain (a commit's, the timer's) asks nothing
    assert time.monotonic() - started < TIMEOUT / 2
    assert report.blocked and report.rows == report.failed == 0
    publish("荒漠化草原生态修复")
    assert len(_waiting()) == 2


def test_a_lost_index_is_noticed_answered_from_the_database_and_rebuilt(app, es, publish, client):
    listings = [publish(f"稀土永磁材料{i}号") for i in range(4)]
    assert not _search(app, "稀土").degraded  # the verdict (index agrees) is cached now
    es.client.indices.delete(index="tm-listing-v1")  # the node lost its data
    late = publish("稀土抛光粉")  # the drain creates a new, nearly empty index
    assert es.ids("listing") == {late.id}

    expected = {x.id for x in listings} | {late.id}
    result = _search(app, "稀土")
    assert result.degraded and result.degraded_reason == "index_incomplete" and result.backend == "database"
    assert {h.object_id for h in result.hits} == expected
    assert es.ids("listing") == expected  # the rebuild was enqueued (inline here) and has run
    after = _search(app, "稀土")
    assert not after.degraded and after.backend == "elasticsearch" and {h.object_id for h in after.hits} == expected


def test_the_page_and_the_api_say_the_index_is_incomplete(app, es, publish, client):
    publish("稀土永磁材料")
    publish("稀土抛光粉")
    service = component(SearchService, app)
    service.index_check.claim_rebuild("listing")  # a rebuild is under way elsewhere: this one waits for it
    es.client.indices.delete(index="tm-listing-v1")
    service.index_check.forget("listing")
    page = client.get("/search?q=稀土").get_data(as_text=True)
    assert 'data-reason="index_incomplete"' in page and "搜索索引不完整" in page
    body = client.get("/api/v1/search?q=稀土").get_json()
    assert body["degraded"] is True and body["degraded_reason"] == "index_incomplete" and body["total"] == 2


def test_status_fails_while_the_breaker_is_open(app, es, publish, runner):
    _outage(app, es, publish)
    db.session.execute(SearchOutbox.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["search", "status"])
    assert result.exit_code == 1
    assert "circuit breaker: OPEN" in result.output


def test_status_fails_fast_when_the_server_hangs_and_when_the_index_lost_documents(app, es, publish, runner,
                                                                                  hung_url):
    publish("稀土永磁材料")
    es.client.indices.delete(index="tm-listing-v1")  # the node lost its data
    lost = runner.invoke(args=["search", "status"])
    assert lost.exit_code == 1 and "DIFFERS" in lost.output and "missing 1" in lost.output
    hung = make_backend(hung_url)
    hung.client = hung.client.options(request_timeout=TIMEOUT)
    component(SearchService, app).es = hung
    started = time.monotonic()
    down = runner.invoke(args=["search", "status"])
    assert down.exit_code == 1 and "UNAVAILABLE" in down.output
    assert time.monotonic() - started < TIMEOUT * 3  # one short ping, not the 30 s write timeout
