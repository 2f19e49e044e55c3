"""API figures: ``GET /api/v1/listings`` and ``GET /api/v1/search`` through the whole Flask stack (routing,
argument parsing, schema serialisation, ETag), against the same query run in process, at N listings.

    PYTHONPATH=src .venv/bin/python bench/api.py --docs 100000 --rounds 200

Listings are generated with bulk inserts (bench/_listings_data.py) and indexed as ``techmarket search reindex``
does. ``in_process`` runs what the view runs (the keyset query and the presentation; the search service and the
hits) without HTTP; ``api`` asks the endpoint through the WSGI test client in the same process. The goal of
issue 15: the API's p95 within 1.5x of the in-process p95. Prints one JSON object.
"""

from __future__ import annotations

import os
import sys

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

sys.path.append(_HERE)
from _listings_data import generate  # noqa: E402
from _server import bench_env, migrate, run_main, venv_bin  # noqa: E402

QUERIES = ["稀土 永磁", "储能 电池", "煤制烯烃", "氢能 电解槽", "马铃薯 种薯", "羊绒 分梳", "石墨烯", "碳捕集 封存"]
GOAL = 1.5


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def timed(call: Callable[[int], Any], rounds: int) -> dict[str, float]:
    samples = []
    for i in range(rounds):
        started = time.perf_counter()
        call(i)
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": pct(samples, 0.5), "p95_ms": pct(samples, 0.95), "mean_ms": round(statistics.mean(samples), 2),
            "n": rounds}


def compare(name: str, inproc: Callable[[int], Any], api: Callable[[int], Any], rounds: int) -> dict[str, Any]:
    inproc(0), api(0)  # warm both
    a, b = timed(inproc, rounds), timed(api, rounds)
    ratio = round(b["p95_ms"] / a["p95_ms"], 2) if a["p95_ms"] else None
    return {"endpoint": name, "in_process": a, "api": b, "p95_ratio": ratio,
            "within_goal": ratio is not None and ratio <= GOAL}


def run(opts: argparse.Namespace) -> dict[str, Any]:
    from sqlalchemy import select
    from werkzeug.datastructures import MultiDict

    from techmarket.api.conventions import cursor_page, encode_cursor
    from techmarket.api.listings import present
    from techmarket.app import create_app
    from techmarket.core.components import component
    from techmarket.extensions import db
    from techmarket.listings import searching
    from techmarket.listings.models import Listing
    from techmarket.listings.visibility import PUBLIC
    from techmarket.search import indexing, registry
    from techmarket.search.service import SearchService

    tmp = Path(tempfile.mkdtemp(prefix="techmarket-bench-api-"))
    env = bench_env(tmp)
    os.environ.update({k: v for k, v in env.items() if k.startswith("TECHMARKET_")})
    os.environ["TECHMARKET_RATELIMIT_STORAGE_URI"] = "memory://"
    migrate(opts, env)
    app = create_app({"API_ANONYMOUS_RATE_LIMIT": "1000000 per minute"})
    made = generate(app, opts.docs)
    with app.app_context():
        indexing.rebuild_database(db.session, registry.get("listing"), workers=None)
        db.session.commit()
        top = db.session.scalar(select(Listing.id).order_by(Listing.id.desc()).limit(1)) or 1
    cursors = [None, *(encode_cursor(max(1, top - (k * 997) % top)) for k in range(1, 50))]
    client = app.test_client()
    out: dict[str, Any] = {"listings": made["listings"], "published": made["published"],
                           "machine": {"cores": os.cpu_count(), "load_average_at_start": os.getloadavg()}}
    results = []
    with app.test_request_context("/api/v1/listings"):
        stmt = select(Listing).where(Listing.status == "published")

        def list_inproc(i: int) -> Any:
            rows, nxt = cursor_page(db.session, stmt, Listing.id, cursors[i % len(cursors)], 20)
            return [present(r, PUBLIC) for r in rows], nxt

        def list_api(i: int) -> Any:
            cursor = cursors[i % len(cursors)]
            resp = client.get("/api/v1/listings?limit=20" + (f"&cursor={cursor}" if cursor else ""))
            assert resp.status_code == 200, resp.data[:200]

        results.append(compare("GET /api/v1/listings?limit=20 (first page and 49 cursors)", list_inproc, list_api,
                               opts.rounds))
        service = component(SearchService, app)

        def search_inproc(i: int) -> Any:
            params = searching.parse(MultiDict({"q": QUERIES[i % len(QUERIES)]}), 20)
            outcome = searching.search(db.session, service, params, load=False)
            return searching.brief_hits(db.session, outcome.result, params)

        def search_api(i: int) -> Any:
            resp = client.get("/api/v1/search?q=" + urllib.parse.quote(QUERIES[i % len(QUERIES)]))
            assert resp.status_code == 200, resp.data[:200]

        results.append(compare("GET /api/v1/search?q=… (8 queries)", search_inproc, search_api, opts.rounds))
        db.session.remove()
    out["results"] = results
    out["load_average_at_end"] = os.getloadavg()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    opts = parser.parse_args()
    opts.bin = venv_bin()
    return run_main("api", opts, run)


if __name__ == "__main__":
    sys.exit(main())
