"""Contract documents: the signed contract and supporting material, checked like listing attachments.

Adding one publishes ``contract_document.added`` (data: ``contract_id``, ``kind``); payments, above, refunds an
auction winner's deposit once the ``signed_contract`` is in.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.contracts import constants as cat
from techmarket.contracts import workflow
from techmarket.contracts.models import Contract, ContractDocument
from techmarket.contracts.services import require_not_cancelled, require_party, require_seller, require_view
from techmarket.core import audit, events, uploads
from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict, NotFound, ValidationFailed

MAX_DOCUMENTS = 20


def add(session: Session, actor: Actor, contract: Contract, kind: str, filename: str, stream: BinaryIO, *,
        instance_path: str, max_bytes: int) -> ContractDocument:
    """A party adds a document. The seller adds contract material while the contract can be edited; any
    party adds bank-transfer receipts at any time."""
    require_view(session, actor, contract)
    if kind not in cat.DOCUMENT_KINDS:
        raise ValidationFailed(_l("Choose the kind of document."), field_errors={"kind": _l("Choose the kind of "
                                                                                             "document.")})
    if kind == "receipt":
        require_party(session, actor, contract)
    else:
        require_seller(session, actor, contract)
        require_not_cancelled(contract)
        if contract.status not in workflow.EDITABLE:
            raise Conflict(_l("Contract documents can be changed only before submission or after a return."))
    if len(contract.documents) >= MAX_DOCUMENTS:
        msg = _l("At most %(n)d documents.", n=MAX_DOCUMENTS)
        raise ValidationFailed(msg, field_errors={"file": msg})
    stored = uploads.store(filename, stream, instance_path=instance_path, max_bytes=max_bytes)
    doc = ContractDocument(contract_id=contract.id, kind=kind, filename=stored.filename,
                           content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                           uploaded_by_id=actor.user_id)
    contract.documents.append(doc)
    session.flush()
    audit.record(session, actor, "contract", contract.id, "attach", None,
                 {"document_id": doc.id, "kind": kind, "filename": doc.filename, "sha256": doc.sha256})
    # Its own object name, so the contract's listeners ("contract.*") do not take it for a state change.
    events.publish(session, events.DomainEvent("contract_document.added", "contract_document", doc.id, actor,
                                               {"contract_id": contract.id, "kind": kind}, subject=doc))
    return doc


def remove(session: Session, actor: Actor, contract: Contract, document_id: int) -> None:
    require_seller(session, actor, contract)
    doc = next((d for d in contract.documents if d.id == document_id), None)
    if doc is None:
        raise NotFound(_l("No such document."))
    require_not_cancelled(contract)
    if contract.status not in workflow.EDITABLE or any(p.document_id == doc.id for p in contract.payments):
        raise Conflict(_l("This document is part of the record and can no longer be removed."))
    contract.documents.remove(doc)
    session.flush()
    audit.record(session, actor, "contract", contract.id, "detach", {"document_id": document_id,
                                                                     "filename": doc.filename}, None)


def path_of(instance_path: str, doc: ContractDocument) -> Path:
    return uploads.path_for(instance_path, doc.sha256)
