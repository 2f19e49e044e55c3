"""Reading the answer of a bulk request: what to retry, what the server refused, what is missing.

Plain dictionaries in, decisions out; :mod:`techmarket.search.elastic` sends the requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from techmarket.search.backend import SearchUnavailable

_MISSING = ("index_not_found_exception",)


class DocumentsRejected(RuntimeError):
    """The server refused some documents for good (e.g. a mapping error); retrying will not help."""

    def __init__(self, doc_type: str, reasons: Mapping[int, str]) -> None:
        super().__init__(f"{len(reasons)} {doc_type} document(s) rejected: "
                         + "; ".join(f"{k}: {v}" for k, v in list(reasons.items())[:3]))
        self.doc_type = doc_type
        self.reasons = dict(reasons)


@dataclass
class _Outcome:
    retry: list[str] = field(default_factory=list)
    rejected: dict[int, str] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    stale: int = 0

    def add(self, item: Mapping[str, Any]) -> None:
        op, res = next(iter(item.items()))
        status = int(res.get("status", 500))
        error = res.get("error") or {}
        if status < 300 or (op == "delete" and status == 404 and not error):
            return
        if status == 409:  # a newer version is already there (external versioning): nothing to do
            self.stale += 1
        elif status == 404 and isinstance(error, dict) and error.get("type") in _MISSING:
            target = str(error.get("index") or res.get("_index") or "")
            self.missing[target] = self.missing.get(target, 0) + 1
        elif status == 429 or status >= 500:
            self.retry.append(f"{status} {_item_reason(error)}")
        else:
            self.rejected[int(res.get("_id", 0))] = f"{status} {_item_reason(error)}"

    def raise_for(self, doc_type: str, *, main: str) -> None:
        if self.retry:
            raise SearchUnavailable(f"elasticsearch asked to retry {len(self.retry)} write(s): {self.retry[0]}")
        if self.missing.get(main):
            raise SearchUnavailable(f"elasticsearch has no index behind {main}")
        if self.rejected:
            raise DocumentsRejected(doc_type, self.rejected)


def _item_reason(error: Any) -> str:
    if isinstance(error, dict):
        return f"{error.get('type', '')}: {error.get('reason', '')}"[:500]
    return str(error)[:500]
