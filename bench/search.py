"""Search figures: indexing throughput, backend query latency and end-to-end HTTP latency of /api/v1/search.

    .venv/bin/python bench/search.py --docs 100000            # database backend on SQLite + osmem-server
    .venv/bin/python bench/search.py --docs 20000 --no-es     # the database backend only

Realistic listings are generated with bulk inserts (bench/_listings_data.py); the published ones are turned
into documents by the listings' own search registration and indexed through each backend in batches of
1,000 (tokenising included). Queries are 2-3 word Chinese queries with facets. HTTP goes through gunicorn on
127.0.0.1 against the same SQLite file. Prints one JSON object; the goals of issue 4 are printed beside
the figures.
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
from sqlalchemy import select  # noqa: E402

QUERIES = ["稀土 永磁", "储能 电池", "煤制烯烃 催化剂", "氢能 电解槽", "马铃薯 种薯", "羊绒 分梳",
           "石墨烯 导电", "风光储 一体化 储能", "碳捕集 封存", "乳酸菌 发酵", "光伏 组件 回收", "钕铁硼 磁体"]
BATCH = 1000


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def latency(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": pct(samples, 0.50), "p95_ms": pct(samples, 0.95), "mean_ms": round(statistics.mean(samples), 2),
            "n": len(samples)}


def documents(app: Any) -> list[Any]:
    from techmarket.extensions import db
    from techmarket.listings.models import Listing
    from techmarket.listings.search_index import to_document

    with app.app_context():
        rows = db.session.scalars(select(Listing).where(Listing.status == "published").order_by(Listing.id)).all()
        docs = [to_document(r) for r in rows]
        db.session.remove()
    return docs


def index_database(app: Any, docs: list[Any]) -> dict[str, Any]:
    from techmarket.extensions import db
    from techmarket.search.database import DatabaseBackend
    from techmarket.search.tokenizer import TOKENIZER

    TOKENIZER.load()
    with app.app_context():
        backend = DatabaseBackend(db.session)
        started = time.perf_counter()
        for i in range(0, len(docs), BATCH):
            backend.index(docs[i:i + BATCH])
            db.session.commit()
        seconds = time.perf_counter() - started
        count = backend.count("listing")
        db.session.remove()
    return {"docs": count, "seconds": round(seconds, 2), "docs_per_s": round(count / seconds, 1)}


def query_backend(backend: Any, rounds: int) -> dict[str, Any]:
    from techmarket.search.documents import SearchQuery
    from techmarket.search.query import parse

    samples: list[float] = []
    totals: dict[str, int] = {}
    for r in range(rounds + 1):
        for q in QUERIES:
            query = SearchQuery(terms=parse(q).terms, per_page=20)
            started = time.perf_counter()
            result = backend.search(query)
            elapsed = (time.perf_counter() - started) * 1000
            if r:  # the first round warms caches
                samples.append(elapsed)
            totals[q] = result.total
    return {**latency(samples), "hits_per_query": totals}


def query_http(port: int, rounds: int) -> dict[str, Any]:
    samples: list[float] = []
    for r in range(rounds + 1):
        for q in QUERIES:
            path = "/api/v1/search?" + urllib.parse.urlencode({"q": q, "per_page": 20})
            started = time.perf_counter()
            status, _headers, body = get(port, path)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200 or b'"facets"' not in body:
                raise SystemExit(f"GET {path} answered {status}: {body[:200]!r}")
            if r:
                samples.append(elapsed)
    return latency(samples)


def elasticsearch_figures(docs: list[Any], rounds: int) -> dict[str, Any]:
    from osmem_server import OsmemServer

    from techmarket.search.elastic import backend_from_config
    from tests.search.contract_servers import TEST_CLIENT_OPTIONS

    server = OsmemServer.start(addr="127.0.0.1:0", japanese=False, startup_timeout=60)
    try:
        backend = backend_from_config({"SEARCH_BACKEND": "elasticsearch", "ELASTICSEARCH_URL": server.url,
                                       "ELASTICSEARCH_INDEX_PREFIX": "bench", "ELASTICSEARCH_REFRESH": "false",
                                       "ELASTICSEARCH_TIMEOUT": 60}, **TEST_CLIENT_OPTIONS)
        started = time.perf_counter()
        for i in range(0, len(docs), BATCH):
            backend.index(docs[i:i + BATCH])
        seconds = time.perf_counter() - started
        backend.client.indices.refresh(index=backend.alias("listing"))
        indexed = {"docs": backend.count("listing"), "seconds": round(seconds, 2),
                   "docs_per_s": round(len(docs) / seconds, 1)}
        return {"server": "osmem-server (in-memory Elasticsearch/OpenSearch API)", "indexing": indexed,
                "backend_query": query_backend(backend, rounds)}
    finally:
        server.close()


def run(opts: argparse.Namespace) -> dict[str, Any]:
    from techmarket.app import create_app

    tmp = Path(tempfile.mkdtemp(prefix="techmarket-bench-search-"))
    env = bench_env(tmp)
    os.environ.update({k: v for k, v in env.items() if k.startswith("TECHMARKET_")})
    (tmp / "gunicorn.empty.py").write_text("# settings are passed on the command line\n")
    migrate(opts, env)
    app = create_app()
    made = generate(app, opts.docs)
    docs = documents(app)
    out: dict[str, Any] = {"listings": made["listings"], "published_docs": len(docs),
                           "generation": {k: made[k] for k in ("seconds", "method")}}
    out["database_sqlite"] = {"indexing": index_database(app, docs)}
    from techmarket.extensions import db
    from techmarket.search.database import DatabaseBackend

    with app.app_context():
        out["database_sqlite"]["backend_query"] = query_backend(DatabaseBackend(db.session), opts.rounds)
        db.session.remove()
    server = start_server("web", "wsgi:app", ROOT, env, opts, tmp)
    try:
        wait_ready(server)
        out["database_sqlite"]["http_api"] = query_http(server.port, opts.rounds)
    finally:
        server.stop()
    backend_p95 = out["database_sqlite"]["backend_query"]["p95_ms"]
    out["database_sqlite"]["http_p95_over_backend_p95"] = round(out["database_sqlite"]["http_api"]["p95_ms"]
                                                                / backend_p95, 2)
    if opts.es:
        try:
            out["elasticsearch_osmem"] = elasticsearch_figures(docs, opts.rounds)
        except Exception as exc:  # report, don't hide: the database figures still stand
            out["elasticsearch_osmem"] = {"error": f"{type(exc).__name__}: {exc}"}
    out["goals"] = {"sqlite_backend_p95_ms_below": 20, "http_p95_within_x_backend": 2,
                    "indexing_docs_per_s_at_least": 1500}
    out["queries"] = QUERIES
    return out


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=int, default=100_000, help="listings to generate (about half are published)")
    p.add_argument("--rounds", type=int, default=5, help="rounds over the query list")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers for the HTTP figures")
    p.add_argument("--worker-class", default="sync")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-es", dest="es", action="store_false", help="skip the osmem-server figures")
    opts = p.parse_args(argv)
    opts.bin = venv_bin()
    opts.gunicorn_has_control_socket = has_control_socket_option(opts.bin)
    return opts


def main(argv: list[str] | None = None) -> int:
    return run_main("bench/search.py", parse_args(argv), run)


if __name__ == "__main__":
    raise SystemExit(main())
