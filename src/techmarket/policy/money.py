"""Money and decimal helpers: yuan as ``Decimal`` quantised to the fen with ROUND_HALF_UP, never float."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
#: Largest magnitude accepted from input (a guard against absurd numbers, not a policy figure).
MAGNITUDE_LIMIT = Decimal("1e15")
RATIO_PLACES = Decimal("0.000001")


def to_decimal(value: Any) -> Decimal:
    """Convert a JSON number or string to ``Decimal`` exactly (numbers via ``str``); raise ``ValueError``."""
    if isinstance(value, bool) or value is None:
        raise ValueError("not a number")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError("not a number") from exc
    else:
        raise ValueError("not a number")
    if not result.is_finite():
        raise ValueError("not a finite number")
    if abs(result) >= MAGNITUDE_LIMIT:
        raise OverflowError("number too large")
    return result


def money(value: Decimal | int | str) -> Decimal:
    """Quantise to the fen (0.01) with ROUND_HALF_UP; negative zero becomes zero."""
    result = Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)
    return result if result != 0 else ZERO


def money_str(value: Decimal | int | str) -> str:
    """Money as a plain string with two decimals, e.g. ``"1234.50"``."""
    return format(money(value), "f")


def ratio(value: Decimal) -> Decimal:
    """A derived ratio (e.g. R&D intensity) shown to six decimal places, ROUND_HALF_UP."""
    return value.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def dec_str(value: Decimal) -> str:
    """A decimal as a plain string without exponent."""
    return format(value, "f")


def jsonable(value: Any) -> Any:
    """Turn a computed value into JSON-ready data: Decimal -> str, date -> ISO, tuples -> lists."""
    if isinstance(value, Decimal):
        return dec_str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
