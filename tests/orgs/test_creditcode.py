"""The unified social credit code check (GB 32100-2015, POLICY.md §4): pure, no app needed."""

from __future__ import annotations

import pytest

from techmarket.orgs import creditcode

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def reference_check(first17: str) -> str:
    """POLICY.md §4 written out independently: weights 3^i mod 31, check = charset[(31 - sum mod 31) mod 31]."""
    total = 0
    for i, ch in enumerate(first17):
        total += ALPHABET.index(ch) * (3**i % 31)
    return ALPHABET[(31 - total % 31) % 31]


# Real codes as printed on business licences / in public registers; each one is verified against
# the reference implementation above in ``test_known_real_codes_pass_the_reference_check``.
REAL_CODES = [
    "91350100M000100Y43",  # the worked example of GB 32100-2015
    "91110108551385082Q",  # a Beijing (Haidian) enterprise
    "914403001922038216",  # a Shenzhen enterprise
    "12100000400000624D",  # a public institution (事业单位, category 1, kind 2)
]


def make_code(first17: str) -> str:
    return first17 + reference_check(first17)


def test_known_real_codes_pass_the_reference_check():
    for code in REAL_CODES:
        assert reference_check(code[:17]) == code[17], code


@pytest.mark.parametrize("code", REAL_CODES)
def test_known_real_codes_are_valid(code):
    result = creditcode.check(code)
    assert result.valid
    assert result.problem is None
    assert result.code == code
    assert result.division_code == code[2:8]
    assert not result.overridable


@pytest.mark.parametrize("first17", [
    "91150100MA0N3K2F4",  # Hohhot
    "91150207MA7XYW123",  # Baotou, Kundulun
    "1215000046001234X",  # Inner Mongolia public institution
    "00000000000000000",
    "YYYYYYYYYYYYYYYYY",
])
def test_check_character_agrees_with_the_policy_formula(first17):
    assert creditcode.check_character(first17) == reference_check(first17)
    assert creditcode.check(make_code(first17)).valid


def test_check_character_can_be_zero_and_a_letter():
    # "0" arises when the weighted sum is a multiple of 31; the result must stay inside the alphabet
    assert creditcode.check_character("00000000000000000") == "0"
    seen = {reference_check(f"9115010{n:010d}") for n in range(400)}
    assert seen <= set(ALPHABET)
    assert any(c.isalpha() for c in seen)


def test_wrong_check_character_names_the_expected_one():
    good = REAL_CODES[0]
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    result = creditcode.check(wrong)
    assert not result.valid
    assert result.problem == "check"
    assert result.expected_check == good[17]
    assert good[17] in result.detail_en and good[17] in result.detail_zh
    assert wrong[17] in result.detail_en
    assert result.overridable  # some early real codes fail the check; the operator may accept them


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_forbidden_letters_are_named(letter):
    code = REAL_CODES[0][:10] + letter + REAL_CODES[0][11:]
    result = creditcode.check(code)
    assert not result.valid
    assert result.problem == "characters"
    assert letter in result.detail_en
    assert "I, O, S, V and Z" in result.detail_en
    assert not result.overridable


def test_other_characters_outside_the_alphabet():
    for code in ("91350100M000100Y4#", "91350100M000100Y4-", "9135０100M000100Y43"):
        result = creditcode.check(code)
        assert result.problem == "characters", code
        assert not result.overridable


@pytest.mark.parametrize("code", ["", "9135010", "91350100M000100Y4", "91350100M000100Y433", "9" * 40])
def test_wrong_length(code):
    result = creditcode.check(code)
    assert not result.valid
    assert result.problem == "length"
    assert str(len(code)) in result.detail_en
    assert "18" in result.detail_en and "18" in result.detail_zh
    assert result.division_code is None
    assert not result.overridable


def test_lower_case_and_spaces_are_normalised():
    result = creditcode.check("  91350100m000100y43 ")
    assert result.valid
    assert result.code == "91350100M000100Y43"
    assert creditcode.check("9135 0100 M000 100Y 43").valid
    assert creditcode.check("91350100M000100Y43\u3000").valid  # a full-width space from a Chinese IME
    assert creditcode.normalise("91350100m000100y43") == "91350100M000100Y43"


def test_length_is_checked_after_normalising():
    assert creditcode.check("91350100M000100Y4 3").valid
    assert creditcode.check(" 91350100M000100Y4").problem == "length"


def test_every_single_character_change_is_caught():
    """The check character catches every one-character substitution in the first 17 positions."""
    code = REAL_CODES[1]
    for pos in range(17):
        for ch in ALPHABET:
            if ch == code[pos]:
                continue
            changed = code[:pos] + ch + code[pos + 1:]
            assert not creditcode.check(changed).valid, changed
