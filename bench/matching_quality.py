#!/usr/bin/env python3
"""Matching quality on a graded relevance set (csl-dev format): nDCG@10, Recall@10, MRR as JSON.

    .venv/bin/python bench/matching_quality.py --data /work/shared/data/csl-dev [--split dev]

The task of the data set's README: every record becomes a published achievement (title; abstract as its text;
keywords; discipline as its field), written with bulk inserts and indexed by the real index rebuild (the
listing services validate fields against the policy taxonomy, which the data set's 67 disciplines are not);
each query record becomes a published demand with its title only. The real matcher
(:func:`techmarket.matching.recommend.matches_for`, candidates from the search service, re-ranked by the pure
scorer) ranks the achievements for each demand as the operator sees them; the query's own record is dropped
from its ranking. Nothing here knows the records: the figures come from the matcher as any market runs it.
"""

from __future__ import annotations

import os
import sys

# bench/http.py is in this folder: drop the folder before importing anything that imports ``http``.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

sys.path.append(_HERE)
from _matching_setup import insert_listings, make_app, organisation  # noqa: E402

from techmarket.core.components import component  # noqa: E402
from techmarket.extensions import db  # noqa: E402
from techmarket.listings.models import Listing  # noqa: E402
from techmarket.listings.visibility import Viewer  # noqa: E402
from techmarket.matching import profiles  # noqa: E402
from techmarket.matching.recommend import matches_for  # noqa: E402
from techmarket.matching.scoring import Weights  # noqa: E402
from techmarket.search.service import SearchService  # noqa: E402

OPERATOR = Viewer(None, frozenset(), True, True)


def load(folder: Path, split: str) -> tuple[list[dict[str, Any]], dict[str, set[str]], list[str]]:
    records = [json.loads(line) for line in (folder / "records.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    related: dict[str, set[str]] = defaultdict(set)
    for line in (folder / "pairs.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        a, b, _shared, same_discipline, _same_category = line.split("\t")
        if same_discipline == "1":
            related[a].add(b)
            related[b].add(a)
    queries = [r["id"] for r in records if r.get("split") == split and related.get(r["id"])]
    return records, related, queries


def dcg(gains: list[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def run(opts: argparse.Namespace) -> dict[str, Any]:
    records, related, queries = load(Path(opts.data), opts.split)
    app, _tmp = make_app()
    org = organisation(app)
    listing_of: dict[str, int] = {}
    rows = []
    for n, rec in enumerate(records, start=1):
        listing_of[rec["id"]] = n
        rows.append({"id": n, "kind": "achievement", "organisation_id": org, "title": rec["title"][:200],
                     "summary": "", "description": rec.get("abstract", ""), "keywords": rec.get("keywords", []),
                     "fields": [rec["discipline"]] if rec.get("discipline") else []})
    by_id = {r["id"]: r for r in records}
    demand_of: dict[str, int] = {}
    for k, qid in enumerate(queries, start=len(records) + 1):
        demand_of[qid] = k
        rows.append({"id": k, "kind": "demand", "organisation_id": org, "title": by_id[qid]["title"][:200]})
    started = time.perf_counter()
    insert_listings(app, rows)
    loaded = time.perf_counter() - started
    record_of = {v: k for k, v in listing_of.items()}
    order = [r["id"] for r in records]
    variants = json.loads(opts.weights) if opts.weights else [{}]
    variants = variants if isinstance(variants, list) else [variants]
    out: dict[str, Any] = {"data": str(opts.data), "split": opts.split, "queries": len(queries),
                           "candidates": len(records), "pool": opts.pool, "load_seconds": round(loaded, 1)}
    runs = []
    profiles.forget()
    for variant in variants:
        boosts = variant.pop("boosts", None)
        if boosts:
            profiles.TITLE_BOOST, profiles.KEYWORD_BOOST = boosts
        profiles.forget()
        figures = evaluate(app, queries, by_id, related, order, demand_of, record_of, opts.pool,
                           Weights(**variant) if variant else None)
        runs.append({"weights": variant or "default", "boosts": [profiles.TITLE_BOOST, profiles.KEYWORD_BOOST]}
                    | figures)
    out |= runs[0] if len(runs) == 1 else {"variants": runs}
    return out | {"baselines": {"bm25_jieba": {"ndcg@10": 0.350, "recall@10": 0.564, "mrr": 0.407},
                                "bm25_bigrams": {"ndcg@10": 0.355, "recall@10": 0.588, "mrr": 0.436}},
                  "targets": {"ndcg@10": 0.40, "mrr": 0.47}}


def evaluate(app: Any, queries: list[str], by_id: dict[str, Any], related: dict[str, set[str]], order: list[str],
             demand_of: dict[str, int], record_of: dict[int, str], pool: int, weights: Weights | None
             ) -> dict[str, Any]:
    ndcg = recall = mrr = 0.0
    timings = []
    with app.app_context():
        search = component(SearchService, app)
        for qid in queries:
            demand = db.session.get(Listing, demand_of[qid])
            assert demand is not None
            t0 = time.perf_counter()
            found = matches_for(db.session, search, OPERATOR, demand, limit=pool, pool=pool,
                                **({"weights": weights} if weights else {}))
            timings.append(time.perf_counter() - t0)
            ranked = [record_of[c.id] for c, _m, _h in found if record_of[c.id] != qid]
            seen = set(ranked)
            ranked += [r for r in order if r not in seen and r != qid]
            discipline = by_id[qid].get("discipline")

            def grade(rid: str, qid: str = qid, discipline: Any = discipline) -> int:
                if rid in related[qid]:
                    return 2
                return 1 if by_id[rid].get("discipline") == discipline else 0

            gains = [grade(r) for r in ranked]
            ideal = sorted(gains, reverse=True)
            ndcg += dcg(gains[:10]) / (dcg(ideal[:10]) or 1)
            relevant = related[qid]
            recall += len(relevant & set(ranked[:10])) / len(relevant)
            first = next((i for i, g in enumerate(gains) if g == 2), None)
            mrr += 1 / (first + 1) if first is not None else 0.0
    n = len(queries) or 1
    timings.sort()
    return {"ndcg@10": round(ndcg / n, 3), "recall@10": round(recall / n, 3), "mrr": round(mrr / n, 3),
            "match_ms_p50": round(1000 * timings[len(timings) // 2], 1) if timings else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/work/shared/data/csl-dev")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--pool", type=int, default=100, help="candidates asked from search per demand")
    parser.add_argument("--weights", default="",
                        help='JSON overrides of scoring.Weights, e.g. {"field": 0.3}, or a list of them to compare')
    print(json.dumps(run(parser.parse_args()), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
