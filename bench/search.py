"""Search figures: indexing throughput, backend query latency and end-to-end HTTP latency of /api/v1/search.

    .venv/bin/python bench/search.py --docs 100000            # database backend on SQLite + osmem-server
    .venv/bin/python bench/search.py --docs 20000 --no-es     # the database backend only

Realistic listings are generated with bulk inserts (bench/_listings_data.py), then indexed the way
``techmarket search reindex`` does it: ``indexing.rebuild_database`` (reading the published listings,
building their documents, tokenising them in worker processes, writing the index, one commit) and
``indexing.rebuild_elasticsearch`` for osmem-server; the throughput covers all of it. Queries are 2-3 word
Chinese queries with facets: ``backend_query`` asks the backend once per query, ``service_query`` as the
site does (AND, then OR when AND finds nothing), ``http_api`` through gunicorn on 127.0.0.1 against the same
SQLite file. The load average is printed beside the figures (the machine may be shared), and so are the
goals of issue 4. Prints one JSON object.
"""

from __future__ import annotations

import os
import sys

# bench/http.py is in this folder: drop the folder before importing anything that imports ``http``.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(_HERE).parent
sys.path.append(str(ROOT))  # tests.search.contract_servers: the one test-only client setting for osmem-server
sys.path.append(_HERE)
from _listings_data import generate  # noqa: E402
from _server import (  # noqa: E402
    bench_env,
    get,
    has_control_socket_option,
    migrate,
    run_main,
    start_server,
    venv_bin,
    wait_ready,
)

QUERIES = ["稀土 永磁", "储能 电池", "煤制烯烃 催化剂", "氢能 电解槽", "马铃薯 种薯", "羊绒 分梳",
           "石墨烯 导电", "风光储 一体化 储能", "碳捕集 封存", "乳酸菌 发酵", "光伏 组件 回收", "钕铁硼 磁体"]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def latency(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": pct(samples, 0.50), "p95_ms": pct(samples, 0.95), "mean_ms": round(statistics.mean(samples), 2),
            "n": len(samples)}


def index_database(app: Any, workers: int | None) -> dict[str, Any]:
    from techmarket.extensions import db
    from techmarket.search import indexing, registry, token_pool
    from techmarket.search.database import DatabaseBackend

    with app.app_context():
        indexed = registry.get("listing")
        used = token_pool.workers_for(indexing.count_public(db.session, indexed), workers)
        started = time.perf_counter()
        indexing.rebuild_database(db.session, indexed, workers=workers)
        db.session.commit()
        seconds = time.perf_counter() - started
        count = DatabaseBackend(db.session).count("listing")
        db.session.remove()
    return {"docs": count, "seconds": round(seconds, 2), "docs_per_s": round(count / seconds, 1),
            "tokenising_processes": used, "path": "indexing.rebuild_database (techmarket search reindex)"}


def query_backend(search: Callable[[Any], Any], rounds: int) -> dict[str, Any]:
    from techmarket.search.documents import SearchQuery
    from techmarket.search.query import parse

    samples: list[float] = []
    totals: dict[str, int] = {}
    estimated: set[str] = set()
    for r in range(rounds + 1):
        for q in QUERIES:
            query = SearchQuery(terms=parse(q).terms, per_page=20)
            started = time.perf_counter()
            result = search(query)
            elapsed = (time.perf_counter() - started) * 1000
            if r:  # the first round warms caches
                samples.append(elapsed)
            totals[q] = result.total
            if not result.facets_exact:
                estimated.add(q)
    return {**latency(samples), "hits_per_query": totals, "facets_estimated_for": sorted(estimated)}


def query_http(port: int, rounds: int, workers: int) -> dict[str, Any]:
    """Like :func:`query_backend`, but each gunicorn worker has its own connection and page cache: the first
    ``workers`` rounds warm them (connections are spread over the workers), the rest are measured."""
    samples: list[float] = []
    warm = max(1, workers)
    for r in range(rounds + warm):
        for q in QUERIES:
            path = "/api/v1/search?" + urllib.parse.urlencode({"q": q, "per_page": 20})
            started = time.perf_counter()
            status, _headers, body = get(port, path)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200 or b'"facets"' not in body:
                raise SystemExit(f"GET {path} answered {status}: {body[:200]!r}")
            if r >= warm:
                samples.append(elapsed)
    return latency(samples)


def elasticsearch_figures(app: Any, rounds: int) -> dict[str, Any]:
    from osmem_server import OsmemServer

    from techmarket.extensions import db
    from techmarket.search import indexing, registry
    from techmarket.search.elastic import backend_from_config
    from tests.search.contract_servers import TEST_CLIENT_OPTIONS

    server = OsmemServer.start(addr="127.0.0.1:0", japanese=False, startup_timeout=60)
    try:
        backend = backend_from_config({"SEARCH_BACKEND": "elasticsearch", "ELASTICSEARCH_URL": server.url,
                                       "ELASTICSEARCH_INDEX_PREFIX": "bench", "ELASTICSEARCH_REFRESH": "false",
                                       "ELASTICSEARCH_TIMEOUT": 60}, **TEST_CLIENT_OPTIONS)
        assert backend is not None
        with app.app_context():
            started = time.perf_counter()
            done = indexing.rebuild_elasticsearch(db.session, backend, registry.get("listing"))
            seconds = time.perf_counter() - started
            db.session.remove()
        indexed = {"docs": backend.count("listing"), "seconds": round(seconds, 2),
                   "docs_per_s": round(done.documents / seconds, 1),
                   "path": "indexing.rebuild_elasticsearch (techmarket search reindex)"}
        return {"server": "osmem-server (in-memory Elasticsearch/OpenSearch API)", "indexing": indexed,
                "backend_query": query_backend(backend.search, rounds)}
    finally:
        server.close()


def run(opts: argparse.Namespace) -> dict[str, Any]:
    from techmarket.app import create_app
    from techmarket.extensions import db
    from techmarket.search.database import DatabaseBackend

    tmp = Path(tempfile.mkdtemp(prefix="techmarket-bench-search-"))
    env = bench_env(tmp)
    os.environ.update({k: v for k, v in env.items() if k.startswith("TECHMARKET_")})
    (tmp / "gunicorn.empty.py").write_text("# settings are passed on the command line\n")
    migrate(opts, env)
    app = create_app()
    made = generate(app, opts.docs)
    out: dict[str, Any] = {"listings": made["listings"], "published_docs": made["published"],
                           "generation": {k: made[k] for k in ("seconds", "method")},
                           "machine": {"cores": os.cpu_count(), "load_average_at_start": _load()}}
    sqlite: dict[str, Any] = {"indexing": index_database(app, opts.index_workers)}
    out["database_sqlite"] = sqlite
    with app.app_context():
        from techmarket.core.components import component
        from techmarket.search.service import SearchService
        service = component(SearchService, app)
        sqlite["backend_query"] = query_backend(DatabaseBackend(db.session).search, opts.rounds)
        sqlite["service_query"] = query_backend(lambda q: service.search(db.session, q), opts.rounds)
        db.session.remove()
    server = start_server("web", "wsgi:app", ROOT, env, opts, tmp)
    try:
        wait_ready(server)
        sqlite["http_api"] = query_http(server.port, opts.rounds, opts.workers)
    finally:
        server.stop()
    http_p95 = sqlite["http_api"]["p95_ms"]
    sqlite["http_p95_over_backend_p95"] = round(http_p95 / sqlite["backend_query"]["p95_ms"], 2)
    # Like for like: HTTP does what the service does (AND, then OR when AND finds nothing).
    sqlite["http_p95_over_service_p95"] = round(http_p95 / sqlite["service_query"]["p95_ms"], 2)
    if opts.es:
        try:
            out["elasticsearch_osmem"] = elasticsearch_figures(app, opts.rounds)
        except Exception as exc:  # report, don't hide: the database figures still stand
            out["elasticsearch_osmem"] = {"error": f"{type(exc).__name__}: {exc}"}
    out["machine"]["load_average_at_end"] = _load()
    out["goals"] = {"sqlite_backend_p95_ms_below": 20, "http_p95_within_x_backend": 2,
                    "indexing_docs_per_s_at_least": 1500}
    out["queries"] = QUERIES
    return out


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=int, default=100_000, help="listings to generate (about half are published)")
    p.add_argument("--rounds", type=int, default=10, help="measured rounds over the query list")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers for the HTTP figures")
    p.add_argument("--worker-class", default="sync")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-es", dest="es", action="store_false", help="skip the osmem-server figures")
    p.add_argument("--index-workers", type=int, default=None,
                   help="tokenising processes for the rebuild (default: as `search reindex`, one per core)")
    opts = p.parse_args(argv)
    opts.bin = venv_bin()
    opts.gunicorn_has_control_socket = has_control_socket_option(opts.bin)
    return opts


def main(argv: list[str] | None = None) -> int:
    return run_main("bench/search.py", parse_args(argv), run)


if __name__ == "__main__":
    raise SystemExit(main())
