"""How well an achievement fits a demand (or the other way round), and why: a pure function.

No Flask, no database: both listings arrive reduced to :class:`Profile` (term frequencies and the structured
facts), the corpus to :class:`CorpusStats` (document frequencies passed in). The text part is BM25 over the
query listing's terms, normalised to 0..1 by the best score those terms could reach; the structured facts add
bounded bonuses. Every bonus that counts is returned as a :class:`Reason`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

MATURITY_ORDER = ("lab", "pilot_small", "pilot", "trial_production", "industrialised")


@dataclass(frozen=True)
class Profile:
    """One listing as scoring sees it. ``terms`` maps a term to its frequency in the listing's text."""

    listing_id: int
    terms: Mapping[str, int]
    length: int
    fields: frozenset[str] = frozenset()
    prefecture: str | None = None
    maturity: str | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    modes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CorpusStats:
    documents: int
    average_length: float
    df: Mapping[str, int]

    def idf(self, term: str) -> float:
        n = self.df.get(term, 0)
        return math.log(1 + (self.documents - n + 0.5) / (n + 0.5))


@dataclass(frozen=True)
class Weights:
    k1: float = 1.2
    b: float = 0.75
    field: float = 0.25
    same_region: float = 0.08
    neighbour_region: float = 0.04
    maturity: float = 0.05
    budget: float = 0.06
    mode: float = 0.05
    inferred_field: float = 0.15  # the query names no field: the field most of its best text matches share


DEFAULT_WEIGHTS = Weights()

# Reason kinds, in the order they are shown.
TERMS, FIELD, INFERRED_FIELD, REGION, NEIGHBOUR, MATURITY, BUDGET, MODE = (
    "terms", "field", "inferred_field", "region", "neighbour", "maturity", "budget", "mode")


@dataclass(frozen=True)
class Reason:
    kind: str
    values: tuple[str, ...] = ()
    weight: float = 0.0


@dataclass(frozen=True)
class Match:
    candidate_id: int
    score: float
    text_score: float
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def shared_terms(self) -> tuple[str, ...]:
        return next((r.values for r in self.reasons if r.kind == TERMS), ())

    def reason(self, kind: str) -> Reason | None:
        return next((r for r in self.reasons if r.kind == kind), None)


def term_counts(tokens: Iterable[str]) -> tuple[dict[str, int], int]:
    """Term frequencies and length of a token stream."""
    counts = Counter(tokens)
    return dict(counts), sum(counts.values())


def text_score(query: Profile, candidate: Profile, stats: CorpusStats, weights: Weights = DEFAULT_WEIGHTS
               ) -> tuple[float, tuple[str, ...]]:
    """BM25 of the candidate for the query's terms, divided by the best any document could reach (0..1), and
    the shared terms, most telling first."""
    k1, b = weights.k1, weights.b
    norm = k1 * (1 - b + b * candidate.length / max(stats.average_length, 1.0))
    total = best = 0.0
    shared: list[tuple[float, str]] = []
    for term, qtf in query.terms.items():
        idf = stats.idf(term)
        q = 1 + math.log(qtf)
        best += idf * (k1 + 1) * q
        tf = candidate.terms.get(term, 0)
        if tf:
            part = idf * tf * (k1 + 1) / (tf + norm) * q
            total += part
            shared.append((part, term))
    if best <= 0:
        return 0.0, ()
    shared.sort(key=lambda p: (-p[0], p[1]))
    return total / best, tuple(t for _p, t in shared)


def _overlaps(a_min: Decimal | None, a_max: Decimal | None, b_min: Decimal | None, b_max: Decimal | None) -> bool:
    """Do two amount ranges overlap? A missing bound is open ("up to 700,000", "from 600,000"); a range with
    neither bound (面议) compares with nothing."""
    if (a_min is None and a_max is None) or (b_min is None and b_max is None):
        return False
    lo_a, lo_b = a_min or Decimal(0), b_min or Decimal(0)
    return (b_max is None or lo_a <= b_max) and (a_max is None or lo_b <= a_max)


def _maturity_fits(demand: Profile, achievement: Profile) -> bool:
    if achievement.maturity not in MATURITY_ORDER:
        return False
    wanted = demand.maturity if demand.maturity in MATURITY_ORDER else "pilot"
    return MATURITY_ORDER.index(achievement.maturity) >= MATURITY_ORDER.index(wanted)


def score(query: Profile, candidate: Profile, stats: CorpusStats, *, query_is_demand: bool,
          neighbours: Mapping[str, frozenset[str]], inferred_fields: frozenset[str] = frozenset(),
          weights: Weights = DEFAULT_WEIGHTS, text: tuple[float, tuple[str, ...]] | None = None) -> Match:
    """The candidate's score for the query listing and the reasons for it (``text``: its
    :func:`text_score`, when already known)."""
    text_part, shared = text if text is not None else text_score(query, candidate, stats, weights)
    return _scored(query, candidate, text_part, shared, query_is_demand=query_is_demand, neighbours=neighbours,
                   inferred_fields=inferred_fields, weights=weights)


def _telling(shared: tuple[str, ...]) -> tuple[str, ...]:
    """The shared terms worth showing a reader: not a lone character (可, 的), which explains nothing, and not a
    piece of a longer shared term (乌兰 and 乌兰察 beside 乌兰察布, 模型 beside 大模型: the tokenizer's search
    mode yields every piece)."""
    longer = [t for t in shared if len(t) > 1]
    return tuple(t for t in longer if not any(t != other and t in other for other in longer))


def _scored(query: Profile, candidate: Profile, text: float, shared: tuple[str, ...], *, query_is_demand: bool,
            neighbours: Mapping[str, frozenset[str]], inferred_fields: frozenset[str], weights: Weights) -> Match:
    reasons: list[Reason] = []
    telling = _telling(shared)
    if telling:
        reasons.append(Reason(TERMS, telling[:8], text))
    common_fields = query.fields & candidate.fields
    if common_fields:
        reasons.append(Reason(FIELD, tuple(sorted(common_fields)), weights.field))
    elif not query.fields and inferred_fields & candidate.fields:
        reasons.append(Reason(INFERRED_FIELD, tuple(sorted(inferred_fields & candidate.fields)),
                              weights.inferred_field))
    if query.prefecture and candidate.prefecture:
        if query.prefecture == candidate.prefecture:
            reasons.append(Reason(REGION, (candidate.prefecture,), weights.same_region))
        elif candidate.prefecture in neighbours.get(query.prefecture, frozenset()):
            reasons.append(Reason(NEIGHBOUR, (candidate.prefecture,), weights.neighbour_region))
    demand, achievement = (query, candidate) if query_is_demand else (candidate, query)
    if _maturity_fits(demand, achievement):
        reasons.append(Reason(MATURITY, (str(achievement.maturity),), weights.maturity))
    if _overlaps(demand.amount_min, demand.amount_max, achievement.amount_min, achievement.amount_max):
        reasons.append(Reason(BUDGET, (), weights.budget))
    common_modes = query.modes & candidate.modes
    if common_modes:
        reasons.append(Reason(MODE, tuple(sorted(common_modes)), weights.mode))
    # Structured facts only count for a candidate that shares some text: they order, they do not find.
    bonus = sum(r.weight for r in reasons if r.kind != TERMS) if text > 0 else 0.0
    return Match(candidate_id=candidate.listing_id, score=round(text + bonus, 6), text_score=text,
                 reasons=tuple(reasons))


def infer_fields(query: Profile, candidates: Sequence[Profile], text_scores: Mapping[int, float], *,
                 top: int = 10) -> frozenset[str]:
    """For a query that names no field: the field held by most of its ``top`` best text matches (a field
    held by at least a third of them; none when they disagree)."""
    if query.fields or not candidates:
        return frozenset()
    ranked = sorted(candidates, key=lambda c: (-text_scores.get(c.listing_id, 0.0), c.listing_id))[:top]
    votes = Counter(f for c in ranked for f in c.fields)
    if not votes:
        return frozenset()
    best, count = votes.most_common(1)[0]
    return frozenset({best}) if count * 3 >= len(ranked) else frozenset()


def rank(query: Profile, candidates: Sequence[Profile], stats: CorpusStats, *, query_is_demand: bool,
         neighbours: Mapping[str, frozenset[str]], limit: int = 10, weights: Weights = DEFAULT_WEIGHTS
         ) -> list[Match]:
    """The ``limit`` best candidates with a score above zero, best first (ties by id)."""
    candidates = [c for c in candidates if c.listing_id != query.listing_id]
    texts = {c.listing_id: text_score(query, c, stats, weights) for c in candidates}
    inferred = infer_fields(query, candidates, {k: v[0] for k, v in texts.items()})
    matches = [score(query, c, stats, query_is_demand=query_is_demand, neighbours=neighbours,
                     inferred_fields=inferred, weights=weights, text=texts[c.listing_id]) for c in candidates]
    matches = [m for m in matches if m.text_score > 0]
    matches.sort(key=lambda m: (-m.score, m.candidate_id))
    return matches[:limit]
