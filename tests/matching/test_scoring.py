"""The pure scorer: BM25 over term weights with document frequencies passed in, and the structured reasons."""

from __future__ import annotations

from decimal import Decimal

from techmarket.matching.regions import NEIGHBOURS
from techmarket.matching.scoring import (
    BUDGET,
    FIELD,
    INFERRED_FIELD,
    MATURITY,
    MODE,
    NEIGHBOUR,
    REGION,
    CorpusStats,
    Profile,
    infer_fields,
    rank,
    score,
    text_score,
)

STATS = CorpusStats(documents=1000, average_length=10.0, df={"稀土": 400, "永磁": 20, "电机": 300, "冷却": 50})


def p(listing_id: int, *terms: str, **facts: object) -> Profile:
    counts: dict[str, int] = {}
    for t in terms:
        counts[t] = counts.get(t, 0) + 1
    return Profile(listing_id=listing_id, terms=counts, length=max(len(terms), 1), **facts)  # type: ignore[arg-type]


DEMAND = p(1, "稀土", "永磁", "电机", "冷却", fields=frozenset({"rare_earth"}), prefecture="150200",
           amount_min=Decimal("500000"), amount_max=Decimal("1000000"), modes=frozenset({"transfer"}))


def test_a_rare_shared_term_counts_more_than_a_common_one() -> None:
    rare, _ = text_score(DEMAND, p(2, "永磁", "材料"), STATS)
    common, _ = text_score(DEMAND, p(3, "稀土", "材料"), STATS)
    assert rare > common > 0
    full, shared = text_score(DEMAND, p(4, "稀土", "永磁", "电机", "冷却"), STATS)
    assert 0 < full <= 1
    assert shared[0] == "永磁" and set(shared) == {"稀土", "永磁", "电机", "冷却"}


def test_document_frequencies_passed_in_decide_the_order() -> None:
    flipped = CorpusStats(documents=1000, average_length=10.0, df={"稀土": 20, "永磁": 400})
    a, b = p(2, "永磁"), p(3, "稀土")
    assert text_score(DEMAND, a, STATS)[0] > text_score(DEMAND, b, STATS)[0]
    assert text_score(DEMAND, a, flipped)[0] < text_score(DEMAND, b, flipped)[0]


def test_every_structured_reason_is_given() -> None:
    candidate = p(2, "永磁", fields=frozenset({"rare_earth", "new_materials"}), prefecture="150200",
                  maturity="pilot", amount_min=Decimal("800000"), amount_max=Decimal("2000000"),
                  modes=frozenset({"transfer", "equity"}))
    match = score(DEMAND, candidate, STATS, query_is_demand=True, neighbours=NEIGHBOURS)
    kinds = [r.kind for r in match.reasons]
    assert kinds == ["terms", FIELD, REGION, MATURITY, BUDGET, MODE]
    assert match.reason(FIELD).values == ("rare_earth",)  # type: ignore[union-attr]
    assert match.reason(MODE).values == ("transfer",)  # type: ignore[union-attr]
    assert match.score > match.text_score


def test_neighbouring_region_lab_maturity_budget_outside_and_negotiable() -> None:
    near = p(2, "永磁", prefecture="150600", maturity="lab", amount_min=Decimal("3000000"),
             amount_max=Decimal("5000000"))
    kinds = {r.kind for r in score(DEMAND, near, STATS, query_is_demand=True, neighbours=NEIGHBOURS).reasons}
    assert NEIGHBOUR in kinds and REGION not in kinds
    assert MATURITY not in kinds  # a laboratory result does not fit a demand that names no stage (pilot+)
    assert BUDGET not in kinds
    far = p(3, "永磁", prefecture="150700")  # 呼伦贝尔 does not border 包头
    negotiable = {r.kind for r in score(DEMAND, far, STATS, query_is_demand=True, neighbours=NEIGHBOURS).reasons}
    assert NEIGHBOUR not in negotiable and BUDGET not in negotiable


def test_the_demand_is_the_demand_whichever_side_asks() -> None:
    achievement = p(2, "永磁", maturity="industrialised", amount_min=Decimal("600000"), amount_max=None)
    demand = p(3, "永磁", maturity="trial_production", amount_min=None, amount_max=Decimal("700000"))
    kinds = {r.kind for r in score(achievement, demand, STATS, query_is_demand=False, neighbours={}).reasons}
    assert {MATURITY, BUDGET} <= kinds
    early = p(4, "永磁", maturity="pilot")
    assert MATURITY not in {r.kind for r in score(early, demand, STATS, query_is_demand=False,
                                                  neighbours={}).reasons}


def test_structured_facts_alone_do_not_make_a_match() -> None:
    same_everything = p(2, "煤炭", fields=frozenset({"rare_earth"}), prefecture="150200",
                        modes=frozenset({"transfer"}))
    textual = p(3, "冷却")
    ranked = rank(DEMAND, [same_everything, textual, DEMAND], STATS, query_is_demand=True, neighbours=NEIGHBOURS)
    assert [m.candidate_id for m in ranked] == [3]  # nor is the listing itself its own match


def test_a_query_without_a_field_takes_the_field_of_its_closest_matches() -> None:
    query = p(1, "永磁", "冷却")
    candidates = [p(i, "永磁", fields=frozenset({"rare_earth"})) for i in range(2, 6)]
    candidates += [p(6, "冷却", fields=frozenset({"power"})), p(7, "冷却", fields=frozenset({"rare_earth"}))]
    texts = {c.listing_id: text_score(query, c, STATS)[0] for c in candidates}
    assert infer_fields(query, candidates, texts) == frozenset({"rare_earth"})
    assert infer_fields(DEMAND, candidates, texts) == frozenset()  # it names its own field
    ranked = rank(query, candidates, STATS, query_is_demand=True, neighbours={})
    top = {m.candidate_id: m for m in ranked}
    assert top[7].reason(INFERRED_FIELD) is not None and top[6].reason(INFERRED_FIELD) is None
    order = [m.candidate_id for m in ranked]
    assert order.index(7) < order.index(6)  # the same text: the inferred field decides


def test_neighbours_are_mutual_and_cover_the_twelve_leagues_and_cities() -> None:
    assert len(NEIGHBOURS) == 12
    assert all(a in NEIGHBOURS[b] for a, near in NEIGHBOURS.items() for b in near)


def test_the_shared_terms_shown_leave_out_the_pieces_of_a_longer_one() -> None:
    """The tokenizer's search mode yields 乌兰, 乌兰察 and 乌兰察布 for one word; the reader saw all three."""
    query = p(1, "乌兰察布", "乌兰察", "乌兰", "大模型", "模型", "液冷", "的")
    candidate = p(2, "乌兰察布", "乌兰察", "乌兰", "大模型", "模型", "液冷", "的")
    match = score(query, candidate, STATS, query_is_demand=True, neighbours=NEIGHBOURS)
    assert sorted(match.shared_terms) == ["乌兰察布", "大模型", "液冷"]
