"""CNIPA application numbers (专利申请号) with their check digit. Pure.

12-digit form since 2003 (YYYY + kind + 7-digit serial): weights 2,3,4,5,6,7,8,9,2,3,4,5; the older 8-digit
form (YY + kind + 5-digit serial): weights 2..9. Check = sum mod 11, written X for 10. The granted patent
number is ``ZL`` + the application number; a ``CN`` prefix is accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WEIGHTS_12 = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_WEIGHTS_8 = (2, 3, 4, 5, 6, 7, 8, 9)
_PATTERN = re.compile(r"^(?:ZL|CN)?(\d{12}|\d{8})[.．·]?([0-9X])$")
KIND_DIGITS = {"1": "invention", "2": "utility_model", "3": "design", "8": "invention", "9": "utility_model"}


@dataclass(frozen=True)
class PatentNumberCheck:
    normalised: str
    valid: bool
    problem_en: str = ""
    problem_zh: str = ""
    kind: str | None = None


def check_digit(digits: str) -> str:
    weights = _WEIGHTS_12 if len(digits) == 12 else _WEIGHTS_8
    rem = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "X" if rem == 10 else str(rem)


def check(raw: str) -> PatentNumberCheck:
    text = re.sub(r"\s+", "", raw).upper()
    m = _PATTERN.match(text)
    if not m:
        return PatentNumberCheck(text, False, "use the form 201710601862.3 (12 digits, point, check digit) "
                                 "or the older 95115608.X", "格式应为 201710601862.3（12 位数字、圆点、校验位）"
                                 "或旧式 95115608.X")
    digits, given = m.groups()
    kind_digit = digits[4] if len(digits) == 12 else digits[2]
    if kind_digit not in KIND_DIGITS:
        return PatentNumberCheck(text, False, f"kind digit {kind_digit} is not a patent kind (1, 2, 3, 8, 9)",
                                 f"第 {5 if len(digits) == 12 else 3} 位种类号 {kind_digit} 无效（应为 1、2、3、8、9）")
    expected = check_digit(digits)
    normalised = f"{digits}.{given}"
    if given != expected:
        return PatentNumberCheck(normalised, False, f"check digit is {given} but should be {expected}",
                                 f"校验位为 {given}，应为 {expected}")
    return PatentNumberCheck(normalised, True, kind=KIND_DIGITS[kind_digit])
