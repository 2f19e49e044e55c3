"""``techmarket orgs check-code CODE``: exit 0 for a valid code, 1 with the reason otherwise."""

from __future__ import annotations

import pytest

from tests.orgs.support import code, wrong_check

VALID = "91350100M000100Y43"


def check(runner, raw: str):
    return runner.invoke(args=["orgs", "check-code", raw])


def test_valid_code_exits_0(runner):
    result = check(runner, VALID)
    assert result.exit_code == 0, result.output
    assert VALID in result.output
    assert "valid" in result.output and "有效" in result.output
    assert "350100" in result.output  # the registering authority's division


def test_lower_case_code_is_normalised(runner):
    result = check(runner, VALID.lower())
    assert result.exit_code == 0
    assert VALID in result.output


def test_inner_mongolia_code_names_its_division(runner):
    result = check(runner, code("91150207MA0XTU7K1"))
    assert result.exit_code == 0
    assert "150207" in result.output


def test_wrong_check_character_exits_1_naming_the_expected_one(runner):
    result = check(runner, wrong_check(VALID))
    assert result.exit_code == 1
    assert "should be 3" in result.output and "应为 3" in result.output
    assert "override" in result.output  # the operator may accept a real one


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letter_exits_1(runner, letter):
    result = check(runner, VALID[:9] + letter + VALID[10:])
    assert result.exit_code == 1
    assert letter in result.output
    assert "I, O, S, V and Z" in result.output
    assert "override" not in result.output


@pytest.mark.parametrize("raw", ["9135", VALID + "0"])
def test_wrong_length_exits_1(runner, raw):
    result = check(runner, raw)
    assert result.exit_code == 1
    assert f"not {len(raw)}" in result.output
    assert "18" in result.output


def test_missing_argument_is_a_usage_error(runner):
    result = runner.invoke(args=["orgs", "check-code"])
    assert result.exit_code == 2
