"""Field-by-field comparison of two listing snapshots (a revision's ``before`` and ``after``).

Pure data out: the template escapes every piece of text, so user input never reaches the page as markup.
Texts get a line diff (difflib) with the changed characters of a changed line marked; lists say what
was added and removed; coded choices are shown by their labels.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from techmarket.listings.constants import (
    CONFIDENTIALITY,
    FIELDS,
    IP_STATUSES,
    IP_TYPES,
    MATURITY,
    TRANSACTION_MODES,
)
from techmarket.listings.data import ListingData

LABELS: dict[str, Any] = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "description": _l("Description"),
    "fields": _l("Fields"),
    "keywords": _l("Keywords"),
    "division_code": _l("Region"),
    "contact_name": _l("Contact person"),
    "contact_phone": _l("Contact phone"),
    "contact_email": _l("Contact email"),
    "valid_until": _l("Valid until"),
    "negotiable": _l("Price negotiable (面议)"),
    "amount_min": _l("Amount from (yuan)"),
    "amount_max": _l("Amount up to (yuan)"),
    "modes": _l("Transaction or cooperation modes"),
    "team": _l("Team and inventors"),
    "maturity": _l("Maturity stage"),
    "trl": _l("Technology readiness level"),
    "advantages": _l("Advantages over existing solutions"),
    "expected_benefit": _l("Expected economic benefit"),
    "fiscal_funded": _l("Result of fiscal funding"),
    "approval_document": _l("Approval document"),
    "application_industries": _l("Application industries"),
    "ip_items": _l("Intellectual property"),
    "technical_targets": _l("Technical targets"),
    "deadline": _l("Deadline"),
    "confidentiality": _l("Confidentiality"),
}
CHOICES: dict[str, Mapping[str, Any]] = {"maturity": MATURITY, "confidentiality": CONFIDENTIALITY,
                                         "fields": FIELDS, "modes": TRANSACTION_MODES}
LISTS = ("fields", "keywords", "modes", "ip_items")
EMPTY: tuple[Any, ...] = (None, "", [])
ORDER = tuple(f.name for f in dataclasses.fields(ListingData))
# Below this share of common characters a changed line is shown whole rather than character by character.
CHAR_DIFF_MIN_RATIO = 0.3


@dataclasses.dataclass(frozen=True)
class Piece:
    text: str
    changed: bool = False


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of a side-by-side text diff; ``tag`` is equal, replace, delete or insert."""

    tag: str
    left: tuple[Piece, ...] | None
    right: tuple[Piece, ...] | None


@dataclasses.dataclass(frozen=True)
class Change:
    name: str
    label: Any
    style: str  # "text" (rows) | "list" (added/removed) | "value" (before -> after)
    before: str = ""
    after: str = ""
    rows: tuple[Row, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()


def ip_item_text(item: Mapping[str, Any]) -> str:
    parts = [str(IP_TYPES.get(item.get("ip_type", ""), item.get("ip_type", "")))]
    if item.get("number"):
        parts.append(str(item["number"]))
    parts.append(f"({IP_STATUSES.get(item.get('status', ''), item.get('status', ''))})")
    if item.get("title"):
        parts.append(str(item["title"]))
    return " ".join(parts)


def show(name: str, value: Any, division_name: Callable[[str], str] | None = None) -> str:
    """One field value as the operator reads it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if name == "division_code" and division_name is not None:
        return division_name(str(value))
    if name in CHOICES:
        return str(CHOICES[name].get(value, value))
    return str(value)


def _items(name: str, value: Any) -> list[str]:
    if name == "ip_items":
        return [ip_item_text(i) for i in value or []]
    return [show(name, v) for v in value or []]


def _pieces(a: str, b: str) -> tuple[tuple[Piece, ...], tuple[Piece, ...]]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < CHAR_DIFF_MIN_RATIO:
        return (Piece(a, True),), (Piece(b, True),)
    left: list[Piece] = []
    right: list[Piece] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if a[i1:i2]:
            left.append(Piece(a[i1:i2], tag != "equal"))
        if b[j1:j2]:
            right.append(Piece(b[j1:j2], tag != "equal"))
    return tuple(left), tuple(right)


def line_rows(before: str, after: str) -> tuple[Row, ...]:
    """A side-by-side line diff; paired changed lines mark the characters that differ."""
    a, b = before.splitlines() or [""], after.splitlines() or [""]
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(Row("equal", (Piece(line),), (Piece(line),)) for line in a[i1:i2])
            continue
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            old = left[k] if k < len(left) else None
            new = right[k] if k < len(right) else None
            if old is not None and new is not None:
                rows.append(Row("replace", *_pieces(old, new)))
            elif old is not None:
                rows.append(Row("delete", (Piece(old, True),), None))
            else:
                rows.append(Row("insert", None, (Piece(new or "", True),)))
    return tuple(rows)


def changes(before: Mapping[str, Any], after: Mapping[str, Any],
            division_name: Callable[[str], str] | None = None) -> list[Change]:
    """Every field whose value differs, in the order of the listing form."""
    names = [n for n in ORDER if n in before or n in after]
    names += sorted((set(before) | set(after)) - set(names))
    out: list[Change] = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if old == new or (old in EMPTY and new in EMPTY):
            continue
        label = LABELS.get(name, name)
        if name in LISTS:
            was, now = _items(name, old), _items(name, new)
            out.append(Change(name, label, "list", before=", ".join(was) or "—", after=", ".join(now) or "—",
                              added=tuple(x for x in now if x not in was),
                              removed=tuple(x for x in was if x not in now),
                              kept=tuple(x for x in now if x in was)))
        elif isinstance(old, str | None) and isinstance(new, str | None) and name not in CHOICES \
                and name not in {"division_code", "valid_until", "deadline", "amount_min", "amount_max"}:
            out.append(Change(name, label, "text", before=old or "", after=new or "",
                              rows=line_rows(old or "", new or "")))
        else:
            out.append(Change(name, label, "value", before=show(name, old, division_name),
                              after=show(name, new, division_name)))
    return out
