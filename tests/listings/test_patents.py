"""CNIPA application numbers: the check digit of the 12-digit and the older 8-digit forms. Pure."""

from __future__ import annotations

import pytest

from techmarket.listings import patents


@pytest.mark.parametrize(("digits", "check"), [
    ("201710601862", "3"),  # the example in POLICY and the issue
    ("95115608", "X"),  # old form, remainder 10 is written X
    ("202310123456", patents.check_digit("202310123456")),
])
def test_check_digit(digits: str, check: str) -> None:
    assert patents.check_digit(digits) == check


def test_check_digit_by_hand() -> None:
    digits = "201710601862"
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    assert total % 11 == 3
    old = "95115608"
    assert sum(int(d) * w for d, w in zip(old, range(2, 10), strict=True)) % 11 == 10


@pytest.mark.parametrize(("raw", "normalised", "kind"), [
    ("201710601862.3", "201710601862.3", "invention"),
    ("ZL201710601862.3", "201710601862.3", "invention"),
    ("CN201710601862.3", "201710601862.3", "invention"),
    ("zl 2017 1060 1862.3", "201710601862.3", "invention"),
    ("201710601862．3", "201710601862.3", "invention"),  # full-width point
    ("2017106018623", "201710601862.3", "invention"),  # point left out
    ("ZL95115608.X", "95115608.X", "invention"),
    ("95115608.x", "95115608.X", "invention"),
])
def test_valid_numbers_are_normalised(raw: str, normalised: str, kind: str) -> None:
    result = patents.check(raw)
    assert result.valid, result.problem_en
    assert (result.normalised, result.kind) == (normalised, kind)


@pytest.mark.parametrize(("kind_digit", "kind"), [("1", "invention"), ("2", "utility_model"), ("3", "design"),
                                                 ("8", "invention"), ("9", "utility_model")])
def test_kind_digit(kind_digit: str, kind: str) -> None:
    digits = f"2020{kind_digit}1234567"
    assert patents.check(f"{digits}.{patents.check_digit(digits)}").kind == kind


def test_wrong_check_digit_says_which_is_right() -> None:
    result = patents.check("201710601862.4")
    assert not result.valid
    assert "should be 3" in result.problem_en and "应为 3" in result.problem_zh
    assert not patents.check("ZL95115608.1").valid


@pytest.mark.parametrize("kind_digit", ["0", "4", "5", "6", "7"])
def test_wrong_kind_digit(kind_digit: str) -> None:
    digits = f"2017{kind_digit}0601862"
    result = patents.check(f"{digits}.{patents.check_digit(digits)}")  # a right check digit does not save it
    assert not result.valid
    assert f"kind digit {kind_digit}" in result.problem_en and "第 5 位" in result.problem_zh
    old = f"95{kind_digit}15608"
    assert "第 3 位" in patents.check(f"{old}.{patents.check_digit(old)}").problem_zh


def test_old_eight_digit_form() -> None:
    assert patents.check("95115608.X").valid
    assert patents.check("ZL 9 5 1 1 5 6 0 8 . X").valid
    assert patents.check("95215608." + patents.check_digit("95215608")).kind == "utility_model"
    assert not patents.check("95115608.7").valid


@pytest.mark.parametrize("raw", ["", "abc", "2017106018", "20171060186.3", "2017106018623.3", "201710601862.33",
                                 "201710601862-3", "ZZ201710601862.3", "201710601862.A"])
def test_malformed_numbers_explain_the_form(raw: str) -> None:
    result = patents.check(raw)
    assert not result.valid and result.kind is None
    assert "201710601862.3" in result.problem_en and "201710601862.3" in result.problem_zh
