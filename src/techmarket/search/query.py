"""From what a person typed to query terms: phrases in quotes, words cut by the tokenizer, synonyms.

Nothing the user types reaches a backend as syntax: terms carry only tokens, which each backend quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from techmarket.search.documents import MAX_QUERY_CHARS, Term
from techmarket.search.tokenizer import TOKENIZER, normalise

_PHRASE = re.compile(r"[\"“”「」『』](.+?)[\"“”「」『』]")
MAX_TERMS = 12


@dataclass
class ParsedQuery:
    text: str
    terms: list[Term]
    truncated: bool = False
    dropped_terms: bool = False


def parse(raw: str | None) -> ParsedQuery:
    text = normalise(raw or "").strip()
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    terms: list[Term] = []
    for phrase in _PHRASE.findall(text):
        words = TOKENIZER.words(phrase)
        flow, _spanning = TOKENIZER.cut(phrase)
        if len(words) == 1:  # one quoted word is that word (and its synonyms)
            terms.append(Term(alternatives=TOKENIZER.expand(words[0]), text=phrase))
        elif len(flow) > 1:
            # The phrase's tokens in order (without the domain terms that span its words, which a text
            # keeps apart): every backend matches them as consecutive positions.
            tokens = tuple(flow)
            terms.append(Term(alternatives=frozenset(tokens), phrase=tokens, text=phrase))
        elif flow:
            terms.append(Term(alternatives=TOKENIZER.expand(flow[0]), text=phrase))
    rest = _PHRASE.sub(" ", text)
    seen = {a for t in terms for a in t.alternatives}
    for word in TOKENIZER.words(rest):
        if word not in seen:
            terms.append(Term(alternatives=TOKENIZER.expand(word), text=word))
            seen.add(word)
    dropped = len(terms) > MAX_TERMS
    return ParsedQuery(text=text, terms=terms[:MAX_TERMS], truncated=truncated, dropped_terms=dropped)


def highlight_words(parsed: ParsedQuery) -> list[str]:
    """Words to mark in results, longest first (so 稀土永磁 wins over 稀土)."""
    words = {w for t in parsed.terms for w in (t.alternatives | ({t.text} if t.text else set()))}
    return sorted((w for w in words if w), key=len, reverse=True)
