"""The rules of the input boundary (``core/inputs.py``): JSON depth and text, whole numbers."""

from __future__ import annotations

import json

import pytest

from techmarket.core.inputs import INT_MAX, INT_MIN, MAX_JSON_DEPTH, InvalidJson, load_json, parse_int


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_as_deep_as_allowed_is_taken_one_level_more_is_refused():
    assert load_json(nested(MAX_JSON_DEPTH)) is not None
    with pytest.raises(InvalidJson) as exc:
        load_json(nested(MAX_JSON_DEPTH + 1), field="params")
    assert set(exc.value.field_errors) == {"params"}


@pytest.mark.parametrize("raw", [nested(10_000), '{"a":' * 10_000 + "1" + "}" * 10_000, "[1, 2", "\ufeff{}",
                                 b"\xff\xfe", '{"a": "b\\u0000"}', '{"\\u0007": 1}', "9" * 5000])
def test_hostile_json_is_refused_without_a_crash(raw):
    with pytest.raises(InvalidJson):
        load_json(raw)


def test_json_over_the_size_limit_is_refused_before_parsing():
    with pytest.raises(InvalidJson):
        load_json(json.dumps(["x" * 100] * 100), max_bytes=1000)


def test_decimals_may_stay_text():
    assert load_json('{"rate": 0.25}', parse_float=str) == {"rate": "0.25"}


@pytest.mark.parametrize(("raw", "value"), [("42", 42), (" 7 ", 7), ("+3", 3), ("-2", -2), (5, 5),
                                            (str(INT_MAX), INT_MAX), (str(INT_MIN), INT_MIN)])
def test_whole_numbers_in_range_are_parsed(raw, value):
    assert parse_int(raw) == value


@pytest.mark.parametrize("raw", ["", None, "abc", "1.5", "²", "١٢", "+-5", "--1", "1e3", str(INT_MAX + 1),
                                 str(INT_MIN - 1), str(2**63), "9" * 40, True, 2**63])
def test_anything_else_is_none(raw):
    assert parse_int(raw) is None


def test_bounds_are_the_callers():
    assert parse_int("0", lo=1) is None
    assert parse_int("2026", lo=2000, hi=2030) == 2026
