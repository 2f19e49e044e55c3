"""Rule sets: JSON round trip, immutability, resolution by date and precedence, diffs, shipped defaults."""

from __future__ import annotations

import copy
import datetime
import json

import pytest

from techmarket.policy.registry import CALCULATORS, validate_rule_set
from techmarket.policy.rules import (
    DEFAULT_RULE_SETS,
    NATIONAL,
    OLDER_REGIONAL,
    THIS_POLICY,
    PolicyError,
    RuleBook,
    RuleNotInForce,
    RuleSet,
    default_rulebook,
    diff_params,
)

D = datetime.date


def make(version: int, effective: D, precedence: int = THIS_POLICY, **params: object) -> RuleSet:
    return RuleSet(
        name="demo",
        version=version,
        effective_from=effective,
        source="test",
        precedence=precedence,
        params=params or {"rate": "0.10"},
        title_zh="示例",
        title_en="demo",
    )


@pytest.mark.parametrize("rule_set", DEFAULT_RULE_SETS, ids=lambda rs: rs.name)
def test_json_round_trip_is_exact(rule_set: RuleSet) -> None:
    data = rule_set.to_json()
    assert RuleSet.from_json(json.loads(json.dumps(data))) == rule_set
    assert RuleSet.from_json(data).to_json() == data
    validate_rule_set(rule_set)


def test_params_are_frozen_and_json_only() -> None:
    rule_set = make(1, D(2020, 1, 1), bands=[{"rate": "0.1"}])
    with pytest.raises(TypeError):
        rule_set.params["rate"] = "0.2"  # type: ignore[index]
    assert rule_set.to_json()["params"] == {"bands": [{"rate": "0.1"}]}
    with pytest.raises(PolicyError, match="float"):
        make(1, D(2020, 1, 1), rate=0.1)
    with pytest.raises(PolicyError, match="precedence"):
        make(1, D(2020, 1, 1), precedence=7)
    with pytest.raises(PolicyError, match="version"):
        make(0, D(2020, 1, 1))


def test_decimal_and_missing_parameter() -> None:
    rule_set = make(1, D(2020, 1, 1), rate="0.125", label="x")
    assert str(rule_set.decimal("rate")) == "0.125"
    with pytest.raises(PolicyError, match="no parameter 'nope'"):
        rule_set.decimal("nope")
    with pytest.raises(PolicyError, match="not a decimal"):
        rule_set.decimal("label")


def test_resolve_by_effective_date() -> None:
    book = RuleBook([make(1, D(2020, 10, 12)), make(2, D(2025, 1, 1), rate="0.20")])
    assert book.resolve("demo", D(2020, 10, 12)).version == 1
    assert book.resolve("demo", D(2024, 12, 31)).version == 1
    assert book.resolve("demo", D(2025, 1, 1)).version == 2
    with pytest.raises(RuleNotInForce, match=r"2020-10-11.*2020-10-12"):
        book.resolve("demo", D(2020, 10, 11))
    with pytest.raises(PolicyError, match="unknown rule set 'other'"):
        book.resolve("other", D(2024, 1, 1))


def test_resolve_by_precedence_then_date_then_version() -> None:
    national = make(1, D(2008, 1, 1), precedence=NATIONAL, rate="0.25")
    policy = make(2, D(2020, 10, 12), precedence=THIS_POLICY, rate="0.20")
    older = make(3, D(2023, 1, 1), precedence=OLDER_REGIONAL, rate="0.10")
    book = RuleBook([policy, older, national])
    # a national rule overrides this policy and an older regional rule, whatever their dates
    assert book.resolve("demo", D(2024, 1, 1)) is national
    book = RuleBook([policy, older])
    assert book.resolve("demo", D(2024, 1, 1)) is policy  # this policy overrides older regional rules
    with pytest.raises(RuleNotInForce):
        book.resolve("demo", D(2019, 1, 1))
    # same precedence and date: the later version (a correction) wins
    corrected = make(4, D(2020, 10, 12), precedence=THIS_POLICY, rate="0.21")
    assert book.with_rule_sets(corrected).resolve("demo", D(2021, 1, 1)) is corrected
    # an older regional rule applies where nothing of higher precedence is in force yet
    assert RuleBook([older, make(5, D(2024, 1, 1))]).resolve("demo", D(2023, 6, 1)) is older


def test_book_listing_and_versions() -> None:
    book = RuleBook([make(2, D(2025, 1, 1)), make(1, D(2020, 1, 1))])
    assert [rs.version for rs in book.versions("demo")] == [1, 2]
    assert book.names() == ["demo"]
    assert book.next_version("demo") == 3
    assert book.next_version("new") == 1
    assert book.previous(book.latest("demo")) == book.versions("demo")[0]
    assert book.previous(book.versions("demo")[0]) is None
    with pytest.raises(PolicyError, match="twice"):
        RuleBook([make(1, D(2020, 1, 1)), make(1, D(2021, 1, 1))])


def test_diff_params() -> None:
    old = make(1, D(2020, 1, 1), cap="100", bands=[{"upto": "10", "rate": "0.1"}, {"upto": None, "rate": "0.05"}])
    new = make(
        2,
        D(2025, 1, 1),
        cap="100",
        bands=[{"upto": "10", "rate": "0.2"}, {"upto": None, "rate": "0.05"}],
        extra=True,
    )
    assert diff_params(old, new) == [("bands[0].rate", "0.1", "0.2"), ("extra", None, True)]
    assert diff_params(new, old) == [("bands[0].rate", "0.2", "0.1"), ("extra", True, None)]
    assert diff_params(old, old) == []


def test_result_keeps_its_version_when_version_2_is_added() -> None:
    calc = CALCULATORS["indirect-cost-cap"]
    data = {"direct_costs": "6000000", "approval_date": "2024-06-01"}
    before = calc.run(data)
    snapshot = copy.deepcopy(before)
    assert before["rule_sets"][0]["version"] == 1
    assert before["cap"] == "1750000.00"  # 5,000,000 × 30% + 1,000,000 × 25%
    v1 = default_rulebook().resolve("indirect-cost-cap", D(2024, 6, 1))
    params = v1.to_json()["params"]
    params["bands"][0]["rate"] = "0.35"
    v2 = RuleSet.from_json({**v1.to_json(), "version": 2, "effective_from": "2026-01-01", "params": params})
    book = default_rulebook().with_rule_sets(v2)
    again = calc.run(data, rules=book)
    assert again["rule_sets"][0]["version"] == 1
    assert again["cap"] == "1750000.00"
    assert before == snapshot
    later = calc.run({**data, "approval_date": "2026-02-01"}, rules=book)
    assert later["rule_sets"][0]["version"] == 2
    assert later["cap"] == "2000000.00"  # 5,000,000 × 35% + 1,000,000 × 25%
    assert diff_params(v1, v2) == [("bands[0].rate", "0.30", "0.35")]


def test_shipped_rule_sets() -> None:
    book = default_rulebook()
    by_name = {rs.name: rs for rs in DEFAULT_RULE_SETS}
    assert all(rs.version == 1 for rs in DEFAULT_RULE_SETS)
    assert {name for c in CALCULATORS.values() for name in c.rule_set_names} == set(book.names())
    assert {rs.name for rs in DEFAULT_RULE_SETS if rs.example} == {
        "broker-reward",
        "rd-investment-reward",
        "subsidy-budget",
        "transaction-subsidy",
    }
    assert by_name["indirect-cost-cap"].effective_from == D(2020, 10, 12)
    assert by_name["transfer-income-nonexclusive-licence"].effective_from == D(2015, 10, 1)
    assert by_name["transfer-income-tax"].precedence == NATIONAL
    assert by_name["local-share-relief"].precedence == THIS_POLICY
    assert all(rs.source and rs.title_zh and rs.title_en for rs in DEFAULT_RULE_SETS)


def test_validate_rule_set_rejects_malformed_tables() -> None:
    v1 = default_rulebook().latest("indirect-cost-cap")
    params = v1.to_json()["params"]
    params["bands"] = [
        {"upto": "10000000", "rate": "0.3"},
        {"upto": "5000000", "rate": "0.2"},
        {"upto": None, "rate": "0.1"},
    ]
    with pytest.raises(PolicyError, match="increasing"):
        validate_rule_set(RuleSet.from_json({**v1.to_json(), "version": 2, "params": params}))
    with pytest.raises(PolicyError, match="no parameter"):
        validate_rule_set(RuleSet.from_json({**v1.to_json(), "version": 2, "params": {}}))
    with pytest.raises(PolicyError, match="unknown rule set"):
        validate_rule_set(make(1, D(2020, 1, 1)))
    with pytest.raises(PolicyError, match="missing"):
        RuleSet.from_json({"name": "x"})
