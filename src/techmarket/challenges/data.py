"""What a call's form holds, and the rows typed as text (one per line, ``|`` between cells). Pure."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field as default
from decimal import Decimal
from typing import Any

_CELL = re.compile(r"\s*[|｜]\s*")


@dataclass
class CallData:
    poster_org_id: int
    title: str
    problem: str
    public_summary: str
    field: str
    bounty: Decimal
    deadline_on: dt.date
    prefecture_code: str | None = None
    programme: str = ""
    targets: list[dict[str, str]] = default(default_factory=list)
    rubric: list[dict[str, Any]] = default(default_factory=list)
    fund_source: str = "enterprise"
    enterprise_funds: Decimal = Decimal(0)
    fiscal_funds: Decimal = Decimal(0)
    duration_months: int = 12
    selection_mode: str = "jiebang"
    max_winners: int = 1
    org_types: list[str] = default(default_factory=list)
    region_scope: str = "china"
    consortium_allowed: bool = True
    credentials: str = ""
    ip_owner: str = "joint"
    ip_licence_back: str = ""
    ip_revenue_sharing: str = ""
    confidential_details: str = ""
    nda_text: str = ""


def split_rows(text: str) -> list[list[str]]:
    """Lines of ``a | b | c`` cells (blank lines skipped)."""
    return [_CELL.split(line.strip()) for line in (text or "").splitlines() if line.strip()]


def targets_from_text(text: str) -> list[dict[str, str]]:
    rows = []
    for cells in split_rows(text):
        cells = [*cells, "", "", "", ""][:4]
        rows.append({"indicator": cells[0], "value": cells[1], "unit": cells[2], "method": cells[3]})
    return rows


def targets_to_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(" | ".join(str(r.get(k, "")) for k in ("indicator", "value", "unit", "method")) for r in rows)


def rubric_from_text(text: str) -> list[dict[str, Any]]:
    """``name | weight | scale`` rows; a number that is not one stays text so the check can name it."""
    rows = []
    for i, cells in enumerate(split_rows(text)):
        cells = [*cells, "", ""][:3]
        rows.append({"key": f"c{i + 1}", "name": cells[0], "weight": _int(cells[1]), "scale": _int(cells[2]) or 10})
    return rows


def rubric_to_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(f"{r.get('name', '')} | {r.get('weight', '')} | {r.get('scale', '')}" for r in rows)


def milestones_from_text(text: str) -> list[dict[str, Any]]:
    """``deliverable | due date (YYYY-MM-DD) | acceptance criteria | share of the bounty in %`` rows."""
    rows = []
    for cells in split_rows(text):
        cells = [*cells, "", "", "", ""][:4]
        rows.append({"deliverable": cells[0], "due_on": cells[1], "criteria": cells[2], "share": cells[3]})
    return rows


def milestones_to_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(" | ".join(str(r.get(k, "")) for k in ("deliverable", "due_on", "criteria", "share"))
                     for r in rows)


def _int(raw: str) -> int | str:
    try:
        return int(raw.strip().rstrip("%"))
    except ValueError:
        return raw.strip()
