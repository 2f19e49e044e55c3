"""The rules of the input boundary: which text, whole numbers and JSON the application takes from outside.

Everything a visitor sends passes one of these checks before it reaches a service or the database:

* text holds no NUL or other control character (tab, line feed and carriage return are fine): PostgreSQL
  refuses NUL outright and the others are invisible garbage from a paste or an attack;
* a whole number fits the database's ``INTEGER`` column (32 bits, signed), which every id and count uses;
* a JSON document is at most ``MAX_JSON_BYTES`` long and ``MAX_JSON_DEPTH`` levels deep (Python's parser
  and every walker after it recurse), and its keys and strings obey the text rule.

``web/inputs.py`` applies them to every request (path, query string, JSON body); ``core/forms.py`` to every
form field; services that take JSON text (rule-set edits) call :func:`load_json`.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from flask_babel import lazy_gettext as _l

from techmarket.core.errors import ValidationFailed

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 1024 * 1024

_ASCII_INT = re.compile(r"[+-]?[0-9]{1,19}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONTROL_MESSAGE = _l("This contains invisible control characters (such as NUL) that cannot be saved; "
                     "please retype it.")
RANGE_MESSAGE = _l("This number is out of range (from %(lo)d to %(hi)d).", lo=INT_MIN, hi=INT_MAX)


class InvalidJson(ValidationFailed):
    code = "invalid_json"


def has_control(text: str) -> bool:
    """Whether ``text`` holds a character the boundary refuses."""
    return _CONTROL.search(text) is not None


def strip_control(text: str) -> str:
    return _CONTROL.sub("", text)


def in_int_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def parse_int(raw: Any, *, lo: int = INT_MIN, hi: int = INT_MAX) -> int | None:
    """``raw`` (text or a number from outside) as a whole number within ``lo..hi``, or ``None``."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw or "").strip()
        if not _ASCII_INT.fullmatch(text):  # str.isdigit() also takes "²", which int() refuses
            return None
        value = int(text)
    return value if lo <= value <= hi else None


def load_json(raw: str | bytes, *, field: str = "$", max_bytes: int = MAX_JSON_BYTES,
              max_depth: int = MAX_JSON_DEPTH, parse_float: Any = None) -> Any:
    """Parse JSON from outside, refusing what is too large, too deep, not JSON or holds control characters.

    Raises :class:`InvalidJson` naming ``field``; the message is in the user's language."""
    if len(raw) > max_bytes:
        _refuse(field, _l("The input is too large (at most %(n)d KB).", n=max_bytes // 1024))
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text, parse_float=parse_float)
    except RecursionError:
        _refuse(field, _l("The JSON is nested too deeply (at most %(n)d levels).", n=max_depth))
    except (UnicodeDecodeError, ValueError) as exc:
        _refuse(field, _l("This is not valid JSON: %(detail)s", detail=str(exc)[:200]))
    check_json(value, field=field, max_depth=max_depth)
    return value


def check_json(value: Any, *, field: str = "$", max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse a parsed JSON value deeper than ``max_depth`` or with control characters in a key or a string.

    Iterative, so a deep value cannot exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                _refuse(field, _l("The JSON is nested too deeply (at most %(n)d levels).", n=max_depth))
            children = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in children:
                if isinstance(key, str) and has_control(key):
                    _refuse(field, CONTROL_MESSAGE)
                stack.append((child, depth + 1))
        elif isinstance(item, str) and has_control(item):
            _refuse(field, CONTROL_MESSAGE)


def _refuse(field: str, message: Any) -> NoReturn:
    raise InvalidJson(message, field_errors={field: message})
