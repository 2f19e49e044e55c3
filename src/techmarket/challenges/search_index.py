"""How calls are indexed for search (registered with the search package by the app factory): the public texts
only; the confidential details never reach the index."""

from __future__ import annotations

from sqlalchemy import Select, select

from techmarket.challenges.constants import PUBLIC_STATUSES
from techmarket.challenges.models import Call
from techmarket.search.documents import Document
from techmarket.search.registry import IndexedType, register

DOC_TYPE = "challenge"


def to_document(call: Call) -> Document:
    targets = " ".join(f"{t.get('indicator', '')} {t.get('value', '')}{t.get('unit', '')}" for t in call.targets)
    parts = [call.public_summary, call.problem, targets, call.poster_org.name, call.programme, call.credentials]
    tags: dict[str, tuple[str, ...]] = {"field": (call.field,), "mode": (call.selection_mode,)}
    if call.prefecture_code:
        tags["region"] = (call.prefecture_code,)
    return Document(doc_type=DOC_TYPE, object_id=call.id, title=call.title, body="\n".join(p for p in parts if p),
                    lead=call.public_summary, tags=tags, amount_min=call.bounty, amount_max=call.bounty,
                    published_at=call.published_at)


def is_public(call: Call) -> bool:
    return call.status in PUBLIC_STATUSES


def all_public() -> Select:
    return select(Call).where(Call.status.in_([str(s) for s in PUBLIC_STATUSES])).order_by(Call.id)


def register_calls() -> None:
    register(IndexedType(name=DOC_TYPE, model=Call, to_document=to_document, is_public=is_public,
                         all_public=all_public))
