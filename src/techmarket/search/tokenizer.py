"""The one tokenizer of every backend: jieba ``cut_for_search`` with the shipped domain dictionary.

Text is normalised first (NFKC: full-width letters and digits become ASCII; Latin lower-cased), then cut.
Backends store the space-joined tokens; queries are cut the same way.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from importlib.resources import files

import jieba

_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_STOP = frozenset({
    "的", "了", "和", "与", "及", "或", "在", "是", "对", "等", "中", "为", "以", "及其",
    "a", "an", "the", "of", "and", "or", "to", "in", "for", "on", "with",
})
_MIXED = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]+")
MAX_TOKEN_LEN = 40
_LATIN = re.compile(r"[a-z0-9]+")
_NESTED_MIN = 4


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


class Tokenizer:
    """Loads jieba and the dictionary once per process (gunicorn preloads it before forking)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba: jieba.Tokenizer | None = None
        self.synonyms: dict[str, frozenset[str]] = {}
        self.terms: list[str] = []
        self._nested: frozenset[str] = frozenset()
        self._nested_max = 0

    def load(self) -> jieba.Tokenizer:
        if self._jieba is not None:
            return self._jieba
        with self._lock:
            if self._jieba is None:
                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                self.terms = _dictionary_terms()
                self.synonyms = _synonyms()
                known = {normalise(t) for t in self.terms} | {t for g in self.synonyms.values() for t in g}
                # Pure Latin terms (ai, ccus) stay out of jieba: jieba keeps a Latin run whole by itself, and
                # as dictionary words they would split longer words ("email" -> em/ai/l).
                for term in sorted(known):
                    if not _LATIN.fullmatch(term):
                        tk.add_word(term, freq=20000)
                self._nested = frozenset(t for t in known if len(t) >= _NESTED_MIN)
                self._nested_max = max((len(t) for t in self._nested), default=0)
                self._jieba = tk
        return self._jieba

    def tokens(self, text: str) -> list[str]:
        """Index tokens of ``text`` (words and their sub-words), in order, without punctuation or stop words."""
        tk = self.load()
        out = []
        for tok in tk.cut_for_search(normalise(text)):
            tok = tok.strip()
            if tok and _WORD.search(tok) and tok not in _STOP and len(tok) <= MAX_TOKEN_LEN:
                out.append(tok)
                # A mixed word (pem电解槽) can also be found by its Latin and its Chinese part.
                parts = _MIXED.findall(tok)
                if len(parts) > 1:
                    out.extend(p for p in parts if p not in _STOP)
                if len(tok) > _NESTED_MIN:
                    out.extend(self._nested_terms(tok))
        return out

    def _nested_terms(self, tok: str) -> list[str]:
        """Dictionary terms of four or more characters inside a longer word (液流电池 in 全钒液流电池):
        ``cut_for_search`` adds only the two- and three-character words it contains."""
        found = []
        for i in range(len(tok)):
            for j in range(i + _NESTED_MIN, min(len(tok), i + self._nested_max) + 1):
                sub = tok[i:j]
                if sub != tok and sub in self._nested:
                    found.append(sub)
        return found

    def words(self, text: str) -> list[str]:
        """Query words: precise-mode cut, de-duplicated, punctuation and stop words dropped."""
        tk = self.load()
        seen: list[str] = []
        for tok in tk.cut(normalise(text)):
            tok = tok.strip()
            if tok and _WORD.search(tok) and tok not in _STOP and tok not in seen and len(tok) <= MAX_TOKEN_LEN:
                seen.append(tok)
        return seen

    def expand(self, word: str) -> frozenset[str]:
        """The word and its synonyms."""
        self.load()
        return self.synonyms.get(word, frozenset({word}))

    def index_text(self, *parts: str) -> str:
        return " ".join(tok for part in parts for tok in self.tokens(part))


def _dictionary_terms() -> list[str]:
    text = files("techmarket.search").joinpath("data/dictionary.txt").read_text("utf-8")
    return [line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _synonyms() -> dict[str, frozenset[str]]:
    text = files("techmarket.search").joinpath("data/synonyms.txt").read_text("utf-8")
    table: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        group = frozenset(normalise(t.strip()) for t in line.split("=") if t.strip())
        for term in group:
            table[term] = table.get(term, frozenset()) | group
    return table


TOKENIZER = Tokenizer()


def dictionary_terms() -> Iterable[str]:
    TOKENIZER.load()
    return TOKENIZER.terms
