"""Attachments: size and real type checked from the bytes (not the name), stored by content hash."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.core import audit, uploads
from techmarket.core.actor import Actor
from techmarket.core.errors import NotFound, ValidationFailed
from techmarket.listings.models import Attachment, Listing
from techmarket.listings.services import require_editor

MAX_ATTACHMENTS = 10


def add(session: Session, actor: Actor, listing: Listing, filename: str, stream: BinaryIO, *,
        instance_path: str, max_bytes: int) -> Attachment:
    require_editor(session, actor, listing)
    if len(listing.attachments) >= MAX_ATTACHMENTS:
        raise ValidationFailed(_l("At most %(n)d attachments.", n=MAX_ATTACHMENTS),
                               field_errors={"file": _l("At most %(n)d attachments.", n=MAX_ATTACHMENTS)})
    stored = uploads.store(filename, stream, instance_path=instance_path, max_bytes=max_bytes)
    name, digest = stored.filename, stored.sha256
    att = Attachment(listing_id=listing.id, filename=name, content_type=stored.content_type, size=stored.size,
                     sha256=digest, uploaded_by_id=actor.user_id)
    listing.attachments.append(att)
    session.flush()
    audit.record(session, actor, "listing", listing.id, "attach", None,
                 {"attachment_id": att.id, "filename": name, "sha256": digest, "size": stored.size})
    return att


def remove(session: Session, actor: Actor, listing: Listing, attachment_id: int) -> None:
    require_editor(session, actor, listing)
    att = next((a for a in listing.attachments if a.id == attachment_id), None)
    if att is None:
        raise NotFound(_l("No such attachment."))
    listing.attachments.remove(att)
    session.flush()
    audit.record(session, actor, "listing", listing.id, "detach", {"attachment_id": attachment_id,
                                                                   "filename": att.filename}, None)


def path_of(instance_path: str, att: Attachment) -> Path:
    return uploads.path_for(instance_path, att.sha256)
