"""A new item that subscriptions may match, whatever it is: a listing today, an open call or an auction later.

Alerts know items only through this shape and through an :class:`ItemSource` registered for their kind (the
listings' source is in :mod:`techmarket.matching.listing_items`; a higher domain registers its own from its
package, and feeds new items by raising its published event).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from techmarket.search.service import SearchService


@dataclass(frozen=True)
class NewItem:
    kind: str  # "listing" (later "call", "auction")
    id: int
    title: str
    text: str  # what a saved search's words are looked for in, as anyone may read it
    fields: frozenset[str] = frozenset()
    region: str | None = None  # 盟市 code
    org_id: int | None = None  # None when the issuer is hidden from the public (a confidential demand)
    published_at: dt.datetime | None = None
    subkind: str = ""  # achievement / demand
    endpoint: str = ""  # where the item's page is: endpoint and arguments for url_for
    endpoint_args: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)


class ItemSource(Protocol):
    """How alerts read one kind of item."""

    kind: str

    def new_items(self, session: Session, since: dt.datetime, until: dt.datetime) -> list[NewItem]:
        """The items that became public in [since, until)."""
        ...

    def item(self, session: Session, item_id: int) -> NewItem | None:
        """One public item (None when it is not public, or no longer)."""
        ...

    def search_hits(self, session: Session, search: SearchService, query: list[list[str]], since: dt.datetime,
                    ids: set[int]) -> set[int]:
        """Which of ``ids`` (public since ``since``) a saved search's arguments find."""
        ...

    def matched_demands(self, session: Session, search: SearchService, items: list[NewItem], demand_ids: set[int]
                        ) -> dict[int, set[int]]:
        """Of ``demand_ids``, those some of ``items`` are a good match for: demand id -> those items' ids
        (empty for a kind that cannot match a demand)."""
        ...


SOURCES: dict[str, ItemSource] = {}


def register_source(source: ItemSource) -> None:
    SOURCES[source.kind] = source


def source_for(kind: str) -> ItemSource | None:
    return SOURCES.get(kind)
