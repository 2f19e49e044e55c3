"""Near-duplicates of a new listing among its organisation's own: the same kind and a very similar title.

Read side only: the editor asks before saving, and the user may save anyway. Titles are compared after
normalisation (full-width to half-width, case, spaces and punctuation dropped): equal, or a character-bigram
Jaccard similarity of at least :data:`THRESHOLD`. Withdrawn listings do not count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing

THRESHOLD = 0.8
LIMIT = 5
_NOISE = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class SimilarListing:
    id: int
    title: str
    status: str
    similarity: float


def normalise(title: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", title).casefold())


def bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text} if text else set()


def similarity(a: str, b: str) -> float:
    """1.0 for titles equal after normalisation, else the Jaccard index of their character bigrams."""
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    ga, gb = bigrams(na), bigrams(nb)
    return len(ga & gb) / len(ga | gb)


def similar_listings(session: Session, organisation_id: int, kind: Kind | str, title: str, *,
                     exclude_id: int | None = None, threshold: float = THRESHOLD) -> list[SimilarListing]:
    """The organisation's listings of ``kind`` (not withdrawn) whose title is like ``title``, most alike first."""
    if not normalise(title):
        return []
    query = select(Listing.id, Listing.title, Listing.status).where(
        Listing.organisation_id == organisation_id, Listing.kind == str(kind),
        Listing.status != Status.WITHDRAWN.value)
    if exclude_id is not None:
        query = query.where(Listing.id != exclude_id)
    found = [SimilarListing(row.id, row.title, row.status, similarity(title, row.title))
             for row in session.execute(query)]
    found = [x for x in found if x.similarity >= threshold]
    found.sort(key=lambda x: (-x.similarity, -x.id))
    return found[:LIMIT]
