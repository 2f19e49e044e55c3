"""Parsing and validation of calculator input against :class:`~techmarket.policy.fields.FieldSpec` lists.

All problems are collected (not only the first) into :class:`PolicyInputError`, keyed by field path such
as ``tax_year`` or ``contracts[1].kind``, each with a code and an English and a Chinese message.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from .fields import FieldSpec
from .money import dec_str, money, to_decimal

#: Dates outside these years are rejected as absurd (input sanity, not a policy figure).
MIN_YEAR = 1990
MAX_YEAR = 2100
MAX_TEXT = 500
MAX_ITEMS = 1000

_WHOLE = re.compile(r"[+-]?[0-9]{1,15}")
_TRUE = {"true", "1", "yes", "y", "on", "是"}
_FALSE = {"false", "0", "no", "n", "off", "否", ""}

_KIND_EN = {
    "money": "an amount in yuan (a string or a number)",
    "rate": 'a rate between 0 and 1 (e.g. "0.25" or "25%")',
    "decimal": "a number",
    "int": "a whole number",
    "bool": "true or false",
    "date": "an ISO date (YYYY-MM-DD)",
    "choice": "one of the listed values",
    "list": "a list of objects",
    "text": "text",
}
_KIND_ZH = {
    "money": "金额（元，字符串或数字）",
    "rate": '0 至 1 之间的比率（如 "0.25" 或 "25%"）',
    "decimal": "数字",
    "int": "整数",
    "bool": "true 或 false",
    "date": "ISO 日期（YYYY-MM-DD）",
    "choice": "所列取值之一",
    "list": "对象列表",
    "text": "文本",
}


class PolicyInputError(Exception):
    """Bad calculator input. ``errors`` maps a field path to ``{"code", "en", "zh"}``."""

    def __init__(self, errors: Mapping[str, Mapping[str, str]]) -> None:
        self.errors: dict[str, dict[str, str]] = {path: dict(err) for path, err in errors.items()}
        super().__init__(str(self))

    def __str__(self) -> str:
        details = "; ".join(f"{path}: {err['en']}" for path, err in self.errors.items())
        return f"invalid input: {details}"

    def to_json(self) -> dict[str, Any]:
        """The body of an API 400 answer."""
        return {"error": "invalid_input", "errors": self.errors}


class ErrorBag:
    """Collects field errors; the first error of a path is kept."""

    def __init__(self) -> None:
        self.errors: dict[str, dict[str, str]] = {}

    def __bool__(self) -> bool:
        return bool(self.errors)

    def __contains__(self, path: str) -> bool:
        return path in self.errors

    def add(self, path: str, code: str, en: str, zh: str) -> None:
        self.errors.setdefault(path, {"code": code, "en": en, "zh": zh})

    def raise_if_any(self) -> None:
        if self.errors:
            raise PolicyInputError(self.errors)


def field_error(path: str, code: str, en: str, zh: str) -> PolicyInputError:
    """A :class:`PolicyInputError` for one field."""
    return PolicyInputError({path: {"code": code, "en": en, "zh": zh}})


class _Invalid:
    pass


_INVALID = _Invalid()


def _type_error(spec: FieldSpec, path: str, errors: ErrorBag) -> _Invalid:
    errors.add(path, "type", f"must be {_KIND_EN[spec.kind]}", f"应为{_KIND_ZH[spec.kind]}")
    return _INVALID


def _bounded(value: Decimal | int, spec: FieldSpec, path: str, errors: ErrorBag) -> Any:
    low, high = spec.minimum, spec.maximum
    if low is not None and low == 0 and value < 0:
        errors.add(path, "negative", "must not be negative", "不能为负数")
        return _INVALID
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-∞" if low is None else dec_str(Decimal(low))
        hi = "∞" if high is None else dec_str(Decimal(high))
        errors.add(path, "out_of_range", f"must be between {lo} and {hi}", f"应在 {lo} 至 {hi} 之间")
        return _INVALID
    return value


def _parse_number(spec: FieldSpec, raw: Any, path: str, errors: ErrorBag) -> Any:
    text = raw.strip() if isinstance(raw, str) else raw
    percent = spec.kind == "rate" and isinstance(text, str) and text.endswith("%")
    if percent:
        text = text[:-1]
    try:
        value = to_decimal(text)
    except OverflowError:
        errors.add(path, "too_large", "is too large", "数值过大")
        return _INVALID
    except ValueError:
        errors.add(path, "not_a_number", f"is not a number ({raw!r})", f"不是有效数字（{raw!r}）")
        return _INVALID
    if percent:
        value = value / 100
    if spec.kind == "money":
        if value < 0:
            errors.add(path, "negative", "must not be negative", "金额不能为负数")
            return _INVALID
        value = money(value)
    if spec.kind == "rate" and not Decimal(0) <= value <= Decimal(1):
        errors.add(path, "out_of_range", "must be a rate between 0 and 1", "比率应在 0 至 1 之间")
        return _INVALID
    return _bounded(value, spec, path, errors)


def _parse_int(spec: FieldSpec, raw: Any, path: str, errors: ErrorBag) -> Any:
    if isinstance(raw, bool):
        return _type_error(spec, path, errors)
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()):  # not str.isdigit(): it takes "²"
        value = int(raw.strip())
    else:
        return _type_error(spec, path, errors)
    return _bounded(value, spec, path, errors)


def _parse_bool(spec: FieldSpec, raw: Any, path: str, errors: ErrorBag) -> Any:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    return _type_error(spec, path, errors)


def _parse_date(spec: FieldSpec, raw: Any, path: str, errors: ErrorBag) -> Any:
    value: datetime.date | None = None
    if isinstance(raw, datetime.datetime):
        value = raw.date()
    elif isinstance(raw, datetime.date):
        value = raw
    elif isinstance(raw, str) and len(raw.strip()) == 10:
        try:
            value = datetime.date.fromisoformat(raw.strip())
        except ValueError:
            value = None
    if value is None:
        errors.add(
            path,
            "bad_date",
            f"is not a valid ISO date (YYYY-MM-DD): {raw!r}",
            f"不是有效的 ISO 日期（YYYY-MM-DD）：{raw!r}",
        )
        return _INVALID
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        errors.add(
            path,
            "year_out_of_range",
            f"year must be between {MIN_YEAR} and {MAX_YEAR}",
            f"年份应在 {MIN_YEAR} 至 {MAX_YEAR} 之间",
        )
        return _INVALID
    return value


def _parse_choice(spec: FieldSpec, raw: Any, path: str, errors: ErrorBag) -> Any:
    if isinstance(raw, str) and raw.strip() in spec.choices:
        return raw.strip()
    options = ", ".join(spec.choices)
    errors.add(
        path,
        "unknown_choice",
        f"unknown value {raw!r}; expected one of {options}",
        f"未知取值 {raw!r}；应为以下之一：{options}",
    )
    return _INVALID


def _parse_text(spec: FieldSpec, raw: Any, path: str, errors: ErrorBag) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return _type_error(spec, path, errors)
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        errors.add(path, "too_long", f"is longer than {MAX_TEXT} characters", f"超过 {MAX_TEXT} 个字符")
        return _INVALID
    if not text and spec.required:
        errors.add(path, "required", "is required", "必填")
        return _INVALID
    return text


def _parse_list(spec: FieldSpec, raw: Any, path: str, errors: ErrorBag, unknown: list[str]) -> Any:
    if not isinstance(raw, list | tuple):
        return _type_error(spec, path, errors)
    if len(raw) > MAX_ITEMS:
        errors.add(path, "too_many", f"has more than {MAX_ITEMS} items", f"超过 {MAX_ITEMS} 项")
        return _INVALID
    if spec.minimum is not None and len(raw) < spec.minimum:
        errors.add(path, "too_few", f"needs at least {spec.minimum} item(s)", f"至少需要 {spec.minimum} 项")
        return _INVALID
    items = []
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            errors.add(item_path, "not_an_object", "must be an object", "应为对象")
            continue
        items.append(_parse_object(spec.item_fields, item, errors, unknown, prefix=f"{item_path}."))
    return items


_PARSERS = {
    "money": _parse_number,
    "rate": _parse_number,
    "decimal": _parse_number,
    "int": _parse_int,
    "bool": _parse_bool,
    "date": _parse_date,
    "choice": _parse_choice,
    "text": _parse_text,
}


def _parse_object(
    fields: Sequence[FieldSpec],
    data: Mapping[str, Any],
    errors: ErrorBag,
    unknown: list[str],
    prefix: str = "",
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    known = {spec.name for spec in fields}
    unknown.extend(f"{prefix}{key}" for key in data if key not in known)
    for spec in fields:
        path = f"{prefix}{spec.name}"
        raw = data.get(spec.name)
        if raw is None or (isinstance(raw, str) and not raw.strip() and spec.kind != "text"):
            if spec.required:
                errors.add(path, "required", "is required", "必填")
            values[spec.name] = spec.default
            continue
        if spec.kind == "list":
            parsed = _parse_list(spec, raw, path, errors, unknown)
        else:
            parsed = _PARSERS[spec.kind](spec, raw, path, errors)
        values[spec.name] = None if parsed is _INVALID else parsed
    return values


def parse_input(fields: Sequence[FieldSpec], data: Any, errors: ErrorBag) -> tuple[dict[str, Any], list[str]]:
    """Parse ``data`` against ``fields``; errors go to ``errors``. Return values and unknown key paths.

    A field that failed validation is ``None`` in the values, so later checks can skip it.
    """
    unknown: list[str] = []
    if not isinstance(data, Mapping):
        errors.add("$", "not_an_object", "the input must be a JSON object", "输入应为 JSON 对象")
        return {spec.name: spec.default for spec in fields}, unknown
    return _parse_object(fields, data, errors, unknown), unknown
