"""Highlights made in Python on the original text: HTML-escaped, matches wrapped in <mark>."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from markupsafe import Markup, escape


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def highlight(text: str, words: list[str], *, window: int | None = None) -> Markup:
    """``text`` with every occurrence of ``words`` marked; with ``window``, a snippet around the first match."""
    text = text or ""
    folded = _fold(text)
    if len(folded) != len(text):  # NFKC changed lengths (rare ligatures): mark nothing rather than misplace
        folded = text.lower()
    pattern = _pattern(tuple(words))
    spans = [] if pattern is None else [(m.start(), m.start() + len(m.group(1))) for m in pattern.finditer(folded)]
    spans = _merge(spans)
    start, end = 0, len(text)
    if window is not None and len(text) > window:
        first = spans[0][0] if spans else 0
        start = max(0, first - window // 3)
        end = min(len(text), start + window)
    out = ["…" if start > 0 else ""]
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(str(escape(text[pos:s])))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(str(escape(text[pos:end])))
    if end < len(text):
        out.append("…")
    return Markup("".join(out))  # noqa: S704 - every piece of user text above is escaped


@lru_cache(maxsize=256)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Every occurrence of any word, overlapping ones included: at each position the longest word that
    starts there (a lookahead, so the scan moves on by one character)."""
    alternatives = sorted({w for w in words if w}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile("(?=(" + "|".join(re.escape(w) for w in alternatives) + "))")


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
