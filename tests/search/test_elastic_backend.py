"""What only the Elasticsearch backend has: versioned indices behind an alias, rebuilds without downtime,
external versions, and failures that become SearchUnavailable (so the service answers from the database)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from techmarket.app import create_app
from techmarket.core.components import component
from techmarket.extensions import db
from techmarket.search import indexing, registry
from techmarket.search.backend import SearchUnavailable
from techmarket.search.documents import Document, SearchQuery
from techmarket.search.elastic import ElasticsearchBackend
from techmarket.search.es_dsl import build_query
from techmarket.search.query import parse
from techmarket.search.service import SearchService
from techmarket.search.tokenizer import TOKENIZER
from tests.conftest import _overrides
from tests.search.contract_servers import (  # noqa: F401
    closed_port_url,
    es_server,
    es_url,
    make_backend,
    use_elasticsearch,
)


def _doc(oid: int, title: str, body: str = "") -> Document:
    return Document(doc_type="listing", object_id=oid, title=title, body=body or title,
                    tags={"kind": ("achievement",)}, published_at=dt.datetime(2026, 1, oid % 28 + 1, tzinfo=dt.UTC))


def _found(es: ElasticsearchBackend, text: str) -> set[int]:
    return {h.object_id for h in es.search(SearchQuery(terms=parse(text).terms, per_page=100)).hits}


@pytest.fixture()
def es(es_url: str) -> ElasticsearchBackend:  # noqa: F811
    return make_backend(es_url)


def test_first_write_creates_a_versioned_index_behind_the_alias(es):
    es.index([_doc(1, "稀土永磁")])
    assert es.indices("listing") == {"tm-listing-v1": ["tm-listing"]}
    mapping = es.client.indices.get_mapping(index="tm-listing")["tm-listing-v1"]["mappings"]["properties"]
    assert mapping["tokens_title"] == {"type": "text", "analyzer": "tm_whitespace"}
    assert mapping["tags"]["properties"]["kind"] == {"type": "keyword"}
    assert mapping["amount_min"]["type"] == "scaled_float"
    source = es.client.get(index="tm-listing", id="1")["_source"]
    assert source["tokens_title"] == TOKENIZER.index_text("稀土永磁")  # the same tokens as the database index
    assert source["title_raw"] == "稀土永磁"


def test_queries_are_built_from_tokens_only():
    terms = parse('储能 "光伏 电池" CCUS NEAR AND (x) title:y').terms
    body = json.dumps(build_query(SearchQuery(terms=terms)), ensure_ascii=False)
    assert "query_string" not in body and "simple_query_string" not in body
    assert '"match_phrase"' in body  # the phrase
    assert '"碳捕集利用与封存"' in body  # a synonym, as a plain term


def test_rebuild_swaps_the_alias_without_a_failed_search(app, es, publish):
    use_elasticsearch(app, es)
    listings = [publish(f"储能电池系统{i}号") for i in range(12)]
    assert es.current_index("listing") == "tm-listing-v1"
    stop = threading.Event()
    seen: list[int] = []
    failures: list[BaseException] = []

    def keep_searching() -> None:
        while not stop.is_set():
            try:
                seen.append(es.search(SearchQuery(terms=parse("储能").terms)).total)
            except BaseException as exc:
                failures.append(exc)

    def slowly(n: int) -> None:
        time.sleep(0.3)  # keep the new index half-built for a while

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        done = indexing.rebuild_elasticsearch(db.session, es, registry.get("listing"), slowly)
        time.sleep(0.2)
    finally:
        stop.set()
        searcher.join(10)
    assert failures == []
    assert len(seen) > 5 and set(seen) == {12}  # never empty, never partial
    assert done.index == "tm-listing-v2" and done.removed_indices == ["tm-listing-v1"]
    assert es.indices("listing") == {"tm-listing-v2": ["tm-listing"]}
    assert es.ids("listing") == {x.id for x in listings}


def test_writes_during_a_rebuild_reach_the_new_index_and_newer_versions_win(es):
    es.index([_doc(1, "旧标题储能"), _doc(2, "将被删除的储能"), _doc(3, "不变的储能")])
    rebuild = es.start_rebuild("listing")
    # A drain during the rebuild: state read at t=200 goes to both the live and the new index.
    es.apply("listing", [_doc(1, "新标题光伏")], [2], version=200)
    # The rebuild's own load read the database earlier (t=100): older states must not win.
    es.load(rebuild, [_doc(1, "旧标题储能"), _doc(2, "将被删除的储能"), _doc(3, "不变的储能")], version=100)
    assert _found(es, "光伏") == {1}  # the live index has the change already
    es.finish_rebuild(rebuild)
    assert es.ids("listing") == {1, 3}
    assert _found(es, "光伏") == {1} and _found(es, "储能") == {3}
    es.apply("listing", [_doc(3, "过时的")], [], version=50)  # stale: ignored, not an error
    assert _found(es, "储能") == {3}


def test_an_interrupted_rebuild_is_cleaned_up_by_the_next(es):
    es.index([_doc(1, "储能")])
    es.start_rebuild("listing")  # ... and the process dies
    rebuild = es.start_rebuild("listing")
    assert rebuild.index == "tm-listing-v3"
    assert "tm-listing-v2" not in es.indices("listing")
    es.load(rebuild, [_doc(1, "储能")])
    es.finish_rebuild(rebuild)
    assert es.indices("listing") == {"tm-listing-v3": ["tm-listing"]}


def test_an_index_deleted_behind_our_back_is_recreated_on_the_next_write(es):
    es.index([_doc(1, "储能")])
    es.client.indices.delete(index="tm-listing-v1")
    assert es.count("listing") == 0 and es.ids("listing") == set()
    es.index([_doc(2, "光伏")])
    assert es.ids("listing") == {2}


def test_a_missing_index_makes_search_unavailable_not_an_error(es):
    with pytest.raises(SearchUnavailable):
        es.search(SearchQuery(terms=parse("储能").terms))


def test_closed_port_is_unavailable_everywhere():
    down = make_backend(closed_port_url())
    with pytest.raises(SearchUnavailable):
        down.search(SearchQuery())  # the breaker in front of it is the service's (tests/search/test_breaker.py)
    assert not down.ping()
    with pytest.raises(SearchUnavailable):
        down.index([_doc(1, "储能")])
    with pytest.raises(SearchUnavailable):
        down.delete("listing", [1])


class _Failing(BaseHTTPRequestHandler):
    """A server that answers every request with 503, as an overloaded Elasticsearch node does."""

    def _answer(self) -> None:
        body = json.dumps({"error": {"type": "unavailable_shards_exception", "reason": "busy"}, "status": 503})
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture()
def failing_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_5xx_is_unavailable(failing_url):
    busy = make_backend(failing_url)
    with pytest.raises(SearchUnavailable, match="503"):
        busy.search(SearchQuery(terms=parse("储能").terms))
    with pytest.raises(SearchUnavailable, match="503"):
        busy.index([_doc(1, "储能")])


def test_service_falls_back_to_the_database_on_5xx(app, failing_url, publish):
    use_elasticsearch(app, make_backend(failing_url))
    a = publish("风光储一体化储能")
    result = component(SearchService, app).search(db.session, SearchQuery(terms=parse("储能").terms))
    assert result.degraded and result.backend == "database"
    assert [h.object_id for h in result.hits] == [a.id]


def test_create_app_builds_the_backend_from_settings_and_starts_with_the_server_down(database, tmp_path):
    _kind, url = database
    app = create_app({**_overrides(url, tmp_path), "SEARCH_BACKEND": "elasticsearch",
                      "ELASTICSEARCH_URL": closed_port_url(), "ELASTICSEARCH_INDEX_PREFIX": "market",
                      "ELASTICSEARCH_TIMEOUT": 2})
    service = component(SearchService, app)
    assert service.uses_elasticsearch and isinstance(service.es, ElasticsearchBackend)
    assert service.es.alias("listing") == "market-listing" and service.es.timeout == 2.0
    assert service.es.refresh is False
    with app.app_context():
        result = service.search(db.session, SearchQuery(terms=parse("储能").terms))
        assert result.degraded and result.backend == "database"
        db.session.remove()
        db.engine.dispose()
    plain = create_app(_overrides(url, tmp_path))
    assert component(SearchService, plain).es is None
