"""An Elasticsearch-API server for the tests: ``osmem-server`` (PyPI), in memory, on a free loopback port.

The one test-only client setting: osmem-server (like OpenSearch) answers ``406 Content-Type header [...] is
not supported`` to the versioned media type that the official client sends as ``Content-Type``
(``application/vnd.elasticsearch+json; compatible-with=8`` from the pinned 8.x client). The client has no switch
for it: the header is rewritten inside ``BaseClient.perform_request`` after any ``headers=`` are merged.
So the tests give the client ``node_class=PlainJsonNode``, an ``elastic_transport`` HTTP node that sends
the plain media type instead. Nothing else differs: osmem-server's responses carry
``X-Elastic-Product: Elasticsearch``, so the client's product check passes as it is.

Import the fixtures into a test module (``from tests.search.contract_servers import es_server, es_url``).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from elastic_transport import HttpHeaders, Urllib3HttpNode
from flask import Flask

from techmarket.core.components import provide
from techmarket.search.elastic import ElasticsearchBackend, backend_from_config
from techmarket.search.service import SearchService

REQUIRE = os.environ.get("TECHMARKET_TEST_REQUIRE_SERVICES") == "1"
PREFIX = "tm"


class PlainJsonNode(Urllib3HttpNode):
    """Sends ``Content-Type: application/json`` (``application/x-ndjson`` for bulk) where the client would
    send ``application/vnd.elasticsearch+json; compatible-with=8``. The ``Accept`` header stays as it is:
    osmem-server accepts it."""

    def perform_request(self, method: str, target: str, body: bytes | None = None,
                        headers: HttpHeaders | None = None, **kwargs: Any) -> Any:
        value = headers.get("content-type") if headers is not None else None
        if headers is not None and value and "vnd.elasticsearch+" in value:
            headers = headers.copy()
            headers["content-type"] = value.split(";")[0].replace("vnd.elasticsearch+", "")
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)


TEST_CLIENT_OPTIONS = {"node_class": PlainJsonNode}


@pytest.fixture(scope="session")
def es_server() -> Iterator[Any]:
    """One osmem-server per test session (``127.0.0.1:0``: the OS picks a free port)."""
    try:
        from osmem_server import OsmemError, OsmemServer
    except ImportError as exc:  # pragma: no cover - depends on the environment
        if REQUIRE:
            pytest.fail(f"osmem-server is required (TECHMARKET_TEST_REQUIRE_SERVICES=1) but not installed: {exc}")
        pytest.skip("osmem-server not installed (pip install -e '.[test]')")
    try:
        server = OsmemServer.start(addr="127.0.0.1:0", japanese=False, startup_timeout=60)
    except (OsmemError, OSError) as exc:  # pragma: no cover - depends on the environment
        if REQUIRE:
            pytest.fail(f"osmem-server is required (TECHMARKET_TEST_REQUIRE_SERVICES=1) but did not start: {exc}")
        pytest.skip(f"osmem-server did not start: {exc}")
    yield server
    server.close()


@pytest.fixture()
def es_url(es_server: Any) -> Iterator[str]:
    """A fresh, empty cluster for one test: a copy-on-write clone of the server's base, on its own port."""
    clone = es_server.clone()
    yield clone.url
    clone.close()


def make_backend(url: str, **overrides: Any) -> ElasticsearchBackend:
    config = {"SEARCH_BACKEND": "elasticsearch", "ELASTICSEARCH_URL": url, "ELASTICSEARCH_INDEX_PREFIX": PREFIX,
              "ELASTICSEARCH_REFRESH": "true", "ELASTICSEARCH_TIMEOUT": 5}
    backend = backend_from_config(config, **TEST_CLIENT_OPTIONS)
    assert backend is not None
    for key, value in overrides.items():
        setattr(backend, key, value)
    return backend


def use_elasticsearch(app: Flask, backend: ElasticsearchBackend) -> SearchService:
    """Switch a test app to Elasticsearch, as create_app does for SEARCH_BACKEND=elasticsearch."""
    app.config.update(SEARCH_BACKEND="elasticsearch", ELASTICSEARCH_URL=",".join(
        f"{n.scheme}://{n.host}:{n.port}" for n in backend.client.transport.node_pool.all()),
        ELASTICSEARCH_INDEX_PREFIX=backend.prefix, ELASTICSEARCH_REFRESH="true")
    service = SearchService(app, es_backend=backend)
    provide(app, SearchService, service)
    return service


def closed_port_url() -> str:
    """An address where nothing listens: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
