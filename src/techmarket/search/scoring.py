"""The relevance scorer of the database backend: SQLite FTS5's ``bm25()``, in Python for PostgreSQL.

FTS5 ranks with bm25 (k1 1.2, b 0.75) over the phrases of the match expression: each alternative of a term,
a term's phrase, and its bigrams (in the gram column only) is a phrase with its own idf; a phrase's frequency
in a document is the sum over the columns of its occurrences times the column's weight; the document's length
is its number of tokens in all columns. PostgreSQL's ts_rank_cd ranks far worse (about 0.22 nDCG@10 on the
csl-dev relevance set against 0.35), so the PostgreSQL backend re-ranks its candidates with :func:`bm25`,
the same function over the same tokens, and both database backends rank alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from techmarket.search.documents import Term

K1 = 1.2
B = 0.75
WEIGHTS = (4.0, 1.0, 0.5)  # title, body, grams (the FTS5 column order of models.TOKEN_COLUMNS)
GRAM = 2  # the index of the gram column


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[str, ...]
    column: int | None = None  # only this column (the grams), else any


def phrases(terms: Sequence[Term]) -> list[Phrase]:
    """The phrases of the match expression of ``terms`` (:func:`db_query.fts5_expression`), in its order."""
    out: list[Phrase] = []
    for term in terms:
        if term.phrase:
            out.append(Phrase(tuple(term.phrase)))
        else:
            out += [Phrase(tuple(a.split())) for a in sorted(term.alternatives)]
        if term.gram_phrase:
            out.append(Phrase(tuple(term.gram_phrase), GRAM))
    return out


def occurrences(tokens: Sequence[str], phrase: tuple[str, ...]) -> int:
    """How many times ``phrase`` appears in ``tokens`` as consecutive tokens."""
    n = len(phrase)
    if n == 1:
        return tokens.count(phrase[0])
    first = phrase[0]
    return sum(1 for i, tok in enumerate(tokens) if tok == first and tuple(tokens[i:i + n]) == phrase)


def idf(n_docs: int, hits: int) -> float:
    value = math.log((n_docs - hits + 0.5) / (hits + 0.5)) if n_docs else 0.0
    return value if value > 0 else 1e-6


def bm25(columns: Sequence[Sequence[str]], phrases_: Sequence[Phrase], idfs: Sequence[float], avgdl: float) -> float:
    """The score of one document, given as its token lists (title, body, grams)."""
    length = sum(len(c) for c in columns)
    norm = K1 * (1 - B + B * length / avgdl) if avgdl > 0 else K1
    score = 0.0
    for phrase, weight in zip(phrases_, idfs, strict=True):
        cols = (phrase.column,) if phrase.column is not None else range(len(columns))
        freq = sum(WEIGHTS[c] * occurrences(columns[c], phrase.tokens) for c in cols)
        if freq:
            score += weight * freq * (K1 + 1) / (freq + norm)
    return score
