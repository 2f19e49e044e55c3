"""How listings are indexed for search (registered with the search package by the app factory)."""

from __future__ import annotations

from sqlalchemy import Select, select

from techmarket.listings.constants import Status
from techmarket.listings.models import Listing
from techmarket.search.documents import Document
from techmarket.search.registry import IndexedType, register


def to_document(listing: Listing) -> Document:
    confidential = listing.kind == "demand" and listing.confidentiality == "verified_only"
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
                    body="\n".join(p for p in parts if p), tags=tags,
                    amount_min=listing.amount_min, amount_max=listing.amount_max,
                    published_at=listing.published_at)


def is_public(listing: Listing) -> bool:
    return listing.status == Status.PUBLISHED


def all_public() -> Select:
    return select(Listing).where(Listing.status == Status.PUBLISHED).order_by(Listing.id)


def register_listings() -> None:
    register(IndexedType(name="listing", model=Listing, to_document=to_document, is_public=is_public,
                         all_public=all_public))
