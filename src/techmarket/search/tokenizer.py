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


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


class Tokenizer:
    """Loads jieba and the dictionary once per process (gunicorn preloads it before forking)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba: jieba.Tokenizer | None = None
        self.synonyms: dict[str, frozenset[str]] = {}
        self.terms: list[str] = []

    def load(self) -> jieba.Tokenizer:
        if self._jieba is not None:
            return self._jieba
        with self._lock:
            if self._jieba is None:
                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                self.terms = _dictionary_terms()
                for term in self.terms:
                    tk.add_word(normalise(term), freq=20000)
                self.synonyms = _synonyms()
                for group in self.synonyms.values():
                    for term in group:
                        tk.add_word(term, freq=20000)
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
        return out

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
