"""Suggestions as you type: titles of indexed (public) documents and domain dictionary terms.

Titles come from the search index itself, so only what is public is ever suggested and no domain is
imported. Terms come from the shipped dictionary and synonym table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import Session

from techmarket.search.models import SearchDocument
from techmarket.search.tokenizer import TOKENIZER, normalise

LIMIT = 8
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_CHARS = 40


@dataclass
class Suggestions:
    titles: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, list[str]]:
        return {"titles": self.titles, "terms": self.terms}


def suggest(session: Session, text: str | None, *, doc_type: str | None = None, limit: int = LIMIT) -> Suggestions:
    """Titles containing ``text`` (those starting with it first, then the newest) and terms starting with it."""
    needle = _CONTROL.sub("", text or "").strip()[:MAX_CHARS]
    if not needle:
        return Suggestions()
    return Suggestions(titles=titles(session, needle, doc_type=doc_type, limit=limit),
                       terms=terms_starting(needle, limit=limit))


def titles(session: Session, needle: str, *, doc_type: str | None = None, limit: int = LIMIT) -> list[str]:
    pattern = _like_escape(needle)
    folded = _like_escape(normalise(needle))
    title = SearchDocument.title
    match: ColumnElement[bool] = title.ilike(f"%{pattern}%", escape="\\")
    if folded != pattern:  # full-width or upper-case typed: also match the folded form
        match = match | title.ilike(f"%{folded}%", escape="\\")
    starts = case((title.ilike(f"{pattern}%", escape="\\"), 0), else_=1)
    stmt = select(title).where(match)
    if doc_type:
        stmt = stmt.where(SearchDocument.doc_type == doc_type)
    stmt = stmt.order_by(starts, SearchDocument.published_at.desc(), SearchDocument.id.desc()).limit(limit * 3)
    out: list[str] = []
    for t in session.scalars(stmt):
        if t not in out:
            out.append(t)
        if len(out) >= limit:
            break
    return out


def preload() -> None:
    """Load the tokenizer (jieba and the domain dictionary, seconds) and the suggestion vocabulary before the
    first request: the app factory calls it, so gunicorn (``preload_app``) loads them once in the master and
    every worker starts with them."""
    TOKENIZER.load()
    _vocabulary()


@cache
def _vocabulary() -> tuple[str, ...]:
    """Dictionary terms and synonyms as written in the shipped files (PEM电解槽, PEMFC), one per folded form."""
    TOKENIZER.load()
    seen: dict[str, str] = {}
    for term in TOKENIZER.terms:
        seen.setdefault(normalise(term), term)
    for name in ("synonyms", "english"):
        text = files("techmarket.search").joinpath(f"data/{name}.txt").read_text("utf-8")
        for line in text.splitlines():
            if line.strip() and not line.startswith("#"):
                for term in (t.strip() for t in line.split("=")):
                    if term:
                        seen.setdefault(normalise(term), term)
    return tuple(seen.values())


def terms_starting(needle: str, *, limit: int = LIMIT) -> list[str]:
    """Dictionary terms starting with the text, shortest first; then terms containing it."""
    key = normalise(needle).strip()
    if not key:
        return []
    vocab = _vocabulary()
    first = sorted((t for t in vocab if normalise(t).startswith(key) and normalise(t) != key), key=_order)
    rest = sorted((t for t in vocab if key in normalise(t) and not normalise(t).startswith(key)), key=_order)
    return (first + rest)[:limit]


def related_terms(words: list[str], *, limit: int = LIMIT) -> list[str]:
    """Terms to try when a search found nothing: dictionary terms containing a query word, or sharing the
    first two characters of a longer one."""
    keys = [normalise(w) for w in words if w]
    if not keys:
        return []
    vocab = _vocabulary()
    found = [t for t in vocab if any(k in normalise(t) and k != normalise(t) for k in keys)]
    prefixes = {k[:2] for k in keys if len(k) >= 3}
    found += [t for t in vocab if normalise(t)[:2] in prefixes and t not in found and normalise(t) not in keys]
    return sorted(found, key=_order)[:limit]


def _order(term: str) -> tuple[int, str]:
    return len(term), term


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
