"""The one tokenizer of every backend: jieba ``cut_for_search`` with the shipped domain dictionary.

Text is normalised first (NFKC: full-width letters and digits become ASCII; Latin lower-cased), then cut.
Backends store the space-joined tokens; queries are cut the same way.

Index tokens are jieba's search-mode cut (each word of the precise cut, preceded by the dictionary words
of two and three characters inside it), plus the domain terms jieba's segmentation hides:

* a domain term of four or more characters *inside* a longer word (液流电池 in 全钒液流电池), after that word;
* a domain term of three or more characters *across* words (大规模储能 in 大规模储能电站, which jieba cuts
  大规模 + 储能电站 because 储能电站 is a word too; 锂电池 in 磷酸铁锂 + 电池), after all the words of the text, so
  that the words around it stay consecutive for phrases.

So a query for a domain term finds every text that contains it, whatever the words around it.

Beside the words, :meth:`Tokenizer.grams` gives the overlapping character bigrams of the Chinese runs of a
short text (title, summary, keywords), which backends keep in a column of their own: a piece of Chinese that
jieba keeps inside a longer word (光催化 in 光催化剂) is still found as the phrase of its bigrams
(:meth:`Tokenizer.query_words`). English names of the domain terms (data/english.txt) expand to the terms.
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
_SPANNING_MIN = 3
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_NAME_WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


class Tokenizer:
    """Loads jieba and the dictionary once per process (gunicorn preloads it before forking)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba: jieba.Tokenizer | None = None
        self.synonyms: dict[str, frozenset[str]] = {}
        self.terms: list[str] = []
        self.english: dict[str, str] = {}  # an English name as index tokens (rare earth) -> its Chinese term
        self._names = re.compile("(?!)")  # any English name as typed, longest first
        self._name_of: dict[str, str] = {}  # regex group -> English name
        self._nested: frozenset[str] = frozenset()
        self._nested_max = 0
        self._by_first: dict[str, tuple[str, ...]] = {}  # Chinese domain terms by first character, longest first
        self._first = re.compile("(?!)")  # any first character of those terms

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
                by_first: dict[str, list[str]] = {}
                for term in known:
                    if len(term) >= _SPANNING_MIN and _HAN.fullmatch(term):
                        by_first.setdefault(term[0], []).append(term)
                self._by_first = {c: tuple(sorted(ts, key=len, reverse=True)) for c, ts in by_first.items()}
                self._first = re.compile("[" + "".join(sorted(by_first)) + "]")
                self._load_english()
                self._jieba = tk
        return self._jieba

    def _load_english(self) -> None:
        """English names join their term's synonym group (so 稀土 also finds English text about rare earth);
        they stay out of jieba and of the nested and spanning terms."""
        patterns: dict[str, str] = {}
        for zh, names in _english_names():
            group = self.synonyms.get(zh, frozenset({zh}))
            tokens = []
            for name in names:
                words = _NAME_WORD.findall(name)
                indexed = " ".join(w for w in words if w not in _STOP)
                if indexed:
                    tokens.append(indexed)
                    self.english.setdefault(indexed, zh)
                    patterns[indexed] = r"[\s\-]+".join(_plural(w) for w in words)
            group = group | frozenset(tokens)
            for term in group:
                self.synonyms[term] = self.synonyms.get(term, frozenset()) | group
        ordered = sorted(patterns.items(), key=lambda kv: len(kv[0]), reverse=True)
        self._name_of = {f"n{i}": name for i, (name, _) in enumerate(ordered)}
        self._names = re.compile("|".join(rf"(?P<n{i}>\b{pat}\b)" for i, (_, pat) in enumerate(ordered))
                                 or "(?!)")

    def english_names(self, text: str) -> list[tuple[tuple[int, int], str]]:
        """The English names of domain terms in normalised ``text``: (span, name as index tokens), longest
        name first at each place ("rare earth permanent magnet" before "rare earth")."""
        self.load()
        return [(m.span(), self._name_of[m.lastgroup or ""]) for m in self._names.finditer(text)]

    def grams(self, *texts: str) -> str:
        """The overlapping character bigrams of every run of Chinese characters of ``texts``, space-joined."""
        return " ".join(g for text in texts for run in _HAN.findall(normalise(text)) for g in bigrams(run))

    def query_words(self, text: str) -> list[tuple[str, tuple[str, ...]]]:
        """Query words (precise cut, as :meth:`words`), each with the bigrams that find it inside longer
        words when it is Chinese (empty otherwise).

        A run of Chinese characters that jieba cuts into a single character and other words (光 + 催化剂 in
        光催化剂制备技术, 制 in 化剂制) would leave the character unfindable: each such character is joined to
        the word before it (or after it) into one piece found by its bigrams, so any two or more characters
        of a title are found whatever jieba makes of them."""
        tk = self.load()
        out: list[tuple[str, tuple[str, ...]]] = []
        run: list[str] = []
        for tok in [*tk.cut(normalise(text)), " "]:
            if _HAN.fullmatch(tok):
                run.append(tok)
                continue
            out += _run_pieces(run)
            run = []
            tok = self._accepted(tok)
            if tok:
                out.append((tok, ()))
        unique: dict[str, tuple[str, ...]] = {}
        for word, grams in out:
            if len(word) <= MAX_TOKEN_LEN or grams:
                unique.setdefault(word, grams)
        return list(unique.items())

    def tokens(self, text: str) -> list[str]:
        """Index tokens of ``text``: its words and their sub-words in order, without punctuation or stop
        words, then the domain terms that span words (see :meth:`cut`)."""
        flow, spanning = self.cut(text)
        return flow + spanning

    def cut(self, text: str) -> tuple[list[str], list[str]]:
        """The tokens of ``text`` in order (jieba's search-mode cut, plus mixed-word parts and domain terms
        nested in a word, after it), and apart the domain terms that span words.

        Spanning terms stay out of the flow: inserted between two words they would keep those words from
        being consecutive, and whether a term spans words depends on the text around it, so a quoted phrase
        matches the flow only (:func:`techmarket.search.query.parse`)."""
        tk = self.load()
        norm = normalise(text)
        words = list(tk.cut(norm))
        freq = tk.FREQ
        out: list[str] = []
        for w in words:
            # jieba's cut_for_search, word by word: the same tokens in the same order.
            if len(w) > 2:
                out.extend(self._accepted(w[i:i + 2]) for i in range(len(w) - 1) if freq.get(w[i:i + 2]))
            if len(w) > 3:
                out.extend(self._accepted(w[i:i + 3]) for i in range(len(w) - 2) if freq.get(w[i:i + 3]))
            self._add_word(out, w)
        return [t for t in out if t], self._spanning_terms(norm, words)

    def _accepted(self, tok: str) -> str:
        """``tok`` when it is an index token, else an empty string (dropped by :meth:`tokens`)."""
        tok = tok.strip()
        ok = tok and _WORD.search(tok) and tok not in _STOP and len(tok) <= MAX_TOKEN_LEN
        return tok if ok else ""

    def _add_word(self, out: list[str], word: str) -> None:
        tok = self._accepted(word)
        if not tok:
            return
        out.append(tok)
        # A mixed word (pem电解槽) can also be found by its Latin and its Chinese part.
        parts = _MIXED.findall(tok)
        if len(parts) > 1:
            out.extend(p for p in parts if p not in _STOP)
        if len(tok) > _NESTED_MIN:
            out.extend(self._nested_terms(tok))

    def _spanning_terms(self, text: str, words: list[str]) -> list[str]:
        """Chinese domain terms of three or more characters that cross a word boundary, in text order
        (大规模储能 in 大规模 + 储能电站)."""
        if len(words) < 2:
            return []
        word_at: list[int] = []  # character position -> index of its word
        for k, w in enumerate(words):
            word_at.extend([k] * len(w))
        if len(word_at) != len(text):  # jieba keeps every character; if not, add nothing rather than guess
            return []
        found: list[str] = []
        for run in _HAN.finditer(text):
            start, end = run.span()
            if word_at[start] == word_at[end - 1]:
                continue  # one word: its domain terms are its sub-words and nested terms
            for hit in self._first.finditer(text, start, end):
                i = hit.start()
                for term in self._by_first[text[i]]:
                    j = i + len(term)
                    if j <= end and word_at[i] != word_at[j - 1] and text.startswith(term, i):
                        found.append(term)
        return found

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


def bigrams(run: str) -> tuple[str, ...]:
    """Overlapping two-character pieces of a run of Chinese characters (none for a single character)."""
    return tuple(run[i:i + 2] for i in range(len(run) - 1))


def _run_pieces(words: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The query words of one run of Chinese characters, cut into ``words`` by jieba (see
    :meth:`Tokenizer.query_words`)."""
    if not any(len(w) == 1 and w not in _STOP for w in words):
        return [(w, bigrams(w)) for w in words if w not in _STOP]
    pieces: list[str] = []
    pending = ""
    for w in words:
        if len(w) > 1:
            pieces.append(pending + w)
            pending = ""
        elif pieces and not pending:
            pieces[-1] += w
        else:
            pending += w
    if pending:
        if pieces:
            pieces[-1] += pending
        else:
            pieces.append(pending)
    return [(p, bigrams(p)) for p in pieces if p not in _STOP]


def _plural(word: str) -> str:
    """A pattern for an English word and its plural (battery, batteries; glass, glasses)."""
    if word.endswith("y") and len(word) > 2:
        return re.escape(word[:-1]) + "(?:y|ies)"
    return re.escape(word) + "(?:e?s)?"


def _english_names() -> list[tuple[str, list[str]]]:
    text = files("techmarket.search").joinpath("data/english.txt").read_text("utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            zh, *names = (normalise(t.strip()) for t in line.split("="))
            out.append((zh, [n for n in names if n]))
    return out


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
