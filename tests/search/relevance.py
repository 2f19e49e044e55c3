"""A graded relevance set (the csl-dev format) and its metrics: nDCG@10, Recall@10, MRR.

The task is fixed by /work/shared/data/csl-dev/README.md: every record is a listing (title; abstract as its
text and lead; keywords as its tags' words); the queries are the titles of the records of the split that
have a pair of the same discipline; grade 2 for such a pair, 1 for a candidate of the query's discipline;
the query's own record is not a candidate. Any folder of the same format and any split can be read.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from techmarket.search.documents import Document

SUBSET = Path(__file__).parent / "data" / "csl_subset"
K = 10


@dataclass
class RelevanceSet:
    records: list[dict]
    pairs: dict[str, set[str]] = field(default_factory=dict)  # record -> its same-discipline pairs
    split: str = "dev"

    @property
    def queries(self) -> list[dict]:
        return [r for r in self.records if r["split"] == self.split and self.pairs.get(r["id"])]

    def number(self, record_id: str) -> int:
        """The object id of a record (its position, from 1)."""
        return self._numbers[record_id]

    def __post_init__(self) -> None:
        self._numbers = {r["id"]: i for i, r in enumerate(self.records, start=1)}
        self._by_number = {i: r for r, i in ((r, self._numbers[r["id"]]) for r in self.records)}

    def documents(self) -> list[Document]:
        return [Document(doc_type="listing", object_id=self.number(r["id"]), title=r["title"],
                         body="\n".join([r["abstract"], " ".join(r["keywords"])]),
                         lead="\n".join([r["abstract"], " ".join(r["keywords"])]),
                         tags={"kind": ("achievement",), "field": (r["discipline"][:32],)})
                for r in self.records]

    def grade(self, query: dict, candidate: int) -> int:
        other = self._by_number[candidate]
        if other["id"] in self.pairs.get(query["id"], set()):
            return 2
        return 1 if other["discipline"] == query["discipline"] else 0


def load(folder: Path = SUBSET, split: str = "dev") -> RelevanceSet:
    records = [json.loads(line) for line in (folder / "records.jsonl").read_text("utf-8").splitlines() if line]
    pairs: dict[str, set[str]] = {}
    with (folder / "pairs.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if row["same_discipline"] == "1":
                pairs.setdefault(row["doc_a"], set()).add(row["doc_b"])
                pairs.setdefault(row["doc_b"], set()).add(row["doc_a"])
    return RelevanceSet(records=records, pairs=pairs, split=split)


@dataclass
class Figures:
    ndcg: float
    recall: float
    mrr: float
    queries: int


def evaluate(data: RelevanceSet, ranked: Callable[[str], list[int]]) -> Figures:
    """``ranked(title)``: object ids, best first (the query's own record is dropped here)."""
    ndcgs, recalls, rrs = [], [], []
    numbers = [data.number(r["id"]) for r in data.records]
    for query in data.queries:
        own = data.number(query["id"])
        got = [i for i in ranked(query["title"]) if i != own]
        rest = [i for i in numbers if i != own and i not in set(got)]
        order = got + rest  # what the matcher did not return follows, in file order
        grades = [data.grade(query, i) for i in order]
        ideal = sorted(grades, reverse=True)
        dcg = sum((2 ** g - 1) / math.log2(p + 2) for p, g in enumerate(grades[:K]))
        best = sum((2 ** g - 1) / math.log2(p + 2) for p, g in enumerate(ideal[:K]))
        ndcgs.append(dcg / best if best else 0.0)
        relevant = grades.count(2)
        recalls.append(grades[:K].count(2) / relevant if relevant else 0.0)
        first = next((p for p, g in enumerate(grades) if g == 2), None)
        rrs.append(1 / (first + 1) if first is not None else 0.0)
    n = len(ndcgs)
    return Figures(ndcg=sum(ndcgs) / n, recall=sum(recalls) / n, mrr=sum(rrs) / n, queries=n)
