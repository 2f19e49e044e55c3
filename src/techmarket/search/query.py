"""From what a person typed to query terms: phrases in quotes, English names of domain terms, words cut by the
tokenizer (Chinese ones with their character bigrams), synonyms.

Nothing the user types reaches a backend as syntax: terms carry only tokens, which each backend quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from techmarket.search.documents import MAX_QUERY_CHARS, Term
from techmarket.search.tokenizer import TOKENIZER, bigrams, normalise

_PHRASE = re.compile(r"[\"“”「」『』](.+?)[\"“”「」『』]")
MAX_TERMS = 12
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


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
        han = phrase if _HAN_RUN.fullmatch(phrase) else ""
        if len(words) == 1:  # one quoted word is that word (and its synonyms)
            terms.append(Term(alternatives=TOKENIZER.expand(words[0]), text=phrase, grams=bigrams(han)))
        elif len(flow) > 1:
            # The phrase's tokens in order (without the domain terms that span its words, which a text
            # keeps apart): every backend matches them as consecutive positions.
            tokens = tuple(flow)
            terms.append(Term(alternatives=frozenset(tokens), phrase=tokens, text=phrase, grams=bigrams(han)))
        elif flow:
            terms.append(Term(alternatives=TOKENIZER.expand(flow[0]), text=phrase, grams=bigrams(han)))
    rest = _PHRASE.sub(" ", text)
    seen = {a for t in terms for a in t.alternatives}
    for (start, end), name in reversed(TOKENIZER.english_names(rest)):  # "rare earth" -> 稀土 (and back)
        rest = rest[:start] + " " + rest[end:]
        if name not in seen:
            group = TOKENIZER.expand(name)
            terms.append(Term(alternatives=group, text=name, grams=_grams_of(group)))
            seen |= group
    for word, grams in TOKENIZER.query_words(rest):
        if word not in seen:
            terms.append(Term(alternatives=TOKENIZER.expand(word), text=word, grams=grams))
            seen.add(word)
    dropped = len(terms) > MAX_TERMS
    return ParsedQuery(text=text, terms=terms[:MAX_TERMS], truncated=truncated, dropped_terms=dropped)


def highlight_words(parsed: ParsedQuery) -> list[str]:
    """Words to mark in results, longest first (so 稀土永磁 wins over 稀土)."""
    words = {w for t in parsed.terms for w in (t.alternatives | ({t.text} if t.text else set()))}
    return sorted((w for w in words if w), key=len, reverse=True)


def _grams_of(group: frozenset[str]) -> tuple[str, ...]:
    """The bigrams of the shortest Chinese term of a synonym group (稀土 for rare earth)."""
    chinese = sorted((t for t in group if _HAN_RUN.fullmatch(t)), key=lambda t: (len(t), t))
    return bigrams(chinese[0]) if chinese else ()
