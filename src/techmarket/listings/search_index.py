"""How listings are indexed for search (registered with the search package by the app factory)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from techmarket.listings.constants import Status
from techmarket.listings.models import IPItem, Listing, ListingTag
from techmarket.listings.visibility import is_confidential
from techmarket.orgs.models import Organisation
from techmarket.search.documents import Document
from techmarket.search.registry import IndexedType, register


def to_document(listing: Listing | ListingRecord) -> Document:
    """A listing's search document, from the ORM object (one change) or a plain record (a rebuild)."""
    confidential = is_confidential(listing)
    parts = [listing.summary, " ".join(listing.keywords or [])]
    if not confidential:  # the public must not find a confidential demand by its details or its issuer
        parts += [listing.description, listing.organisation.name, listing.team, listing.advantages,
                  listing.technical_targets, listing.application_industries,
                  " ".join(i.title for i in listing.ip_items if i.title)]
    tags: dict[str, tuple[str, ...]] = {"kind": (listing.kind,), "field": tuple(listing.fields),
                                        "mode": tuple(listing.modes)}
    if listing.prefecture_code:
        tags["region"] = (listing.prefecture_code,)
    if listing.maturity:
        tags["maturity"] = (listing.maturity,)
    return Document(doc_type="listing", object_id=listing.id, title=listing.title,
                    body="\n".join(p for p in parts if p), lead="\n".join(parts[:2]), tags=tags,
                    amount_min=listing.amount_min, amount_max=listing.amount_max,
                    published_at=listing.published_at)


def is_public(listing: Listing) -> bool:
    return listing.status == Status.PUBLISHED


def all_public() -> Select:
    return select(Listing).where(Listing.status == Status.PUBLISHED).order_by(Listing.id)


# -- a rebuild reads every public listing: plain rows, not ORM objects -----------------------------------

_COLUMNS = (Listing.id, Listing.kind, Listing.confidentiality, Listing.title, Listing.summary, Listing.keywords,
            Listing.description, Listing.team, Listing.advantages, Listing.technical_targets,
            Listing.application_industries, Listing.prefecture_code, Listing.maturity, Listing.amount_min,
            Listing.amount_max, Listing.published_at)
_NAMES = tuple(c.key for c in _COLUMNS)


@dataclass
class _Org:
    name: str


@dataclass
class _IP:
    title: str


@dataclass
class ListingRecord:
    """The columns of a listing that :func:`to_document` reads, with its organisation's name, IP titles and
    facet values: loaded with three queries per batch instead of an ORM object graph per listing."""

    id: int
    kind: str
    confidentiality: str
    title: str
    summary: str
    keywords: list[Any]
    description: str
    team: str
    advantages: str
    technical_targets: str
    application_industries: str
    prefecture_code: str | None
    maturity: str | None
    amount_min: Any
    amount_max: Any
    published_at: Any
    organisation: _Org
    ip_items: list[_IP] = field(default_factory=list)
    tags: list[tuple[str, str]] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        return sorted(v for f, v in self.tags if f == "field")  # as Listing.values("field")

    @property
    def modes(self) -> list[str]:
        return sorted(v for f, v in self.tags if f == "mode")


def public_documents(session: Session, batch: int) -> Iterator[list[Document]]:
    """Every public listing's document, in id order, ``batch`` at a time (the same as :func:`to_document`
    of each :func:`all_public` listing)."""
    stmt = (select(*_COLUMNS, Organisation.name).join(Organisation, Organisation.id == Listing.organisation_id)
            .where(Listing.status == Status.PUBLISHED).order_by(Listing.id).execution_options(yield_per=batch))
    for rows in session.execute(stmt).partitions(batch):
        records = {r[0]: ListingRecord(**dict(zip(_NAMES, r[:-1], strict=True)), organisation=_Org(r[-1]))
                   for r in rows}
        ids = list(records)
        for lid, facet, value in session.execute(select(ListingTag.listing_id, ListingTag.facet, ListingTag.value)
                                                 .where(ListingTag.listing_id.in_(ids))):
            records[lid].tags.append((facet, value))
        for lid, title in session.execute(select(IPItem.listing_id, IPItem.title).where(IPItem.listing_id.in_(ids))
                                          .order_by(IPItem.id)):
            records[lid].ip_items.append(_IP(title))
        yield [to_document(r) for r in records.values()]


def register_listings() -> None:
    register(IndexedType(name="listing", model=Listing, to_document=to_document, is_public=is_public,
                         all_public=all_public, public_documents=public_documents))
