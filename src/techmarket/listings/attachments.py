"""Attachments: size and real type checked from the bytes (not the name), stored by content hash."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.errors import NotFound, ValidationFailed
from techmarket.listings.models import Attachment, Listing
from techmarket.listings.services import require_editor

MAX_ATTACHMENTS = 10
TYPES = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (".pptx",),
}


def sniff(head: bytes, whole: bytes) -> str | None:
    """The content type the bytes really are, or None when not an allowed type."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(whole)).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        for prefix, ctype in (("word/", "wordprocessingml"), ("xl/", "spreadsheetml"), ("ppt/", "presentationml")):
            if any(n.startswith(prefix) for n in names):
                return next(t for t in TYPES if ctype in t)
    return None


def safe_filename(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f<>:\"/\\|?*]", "_", name).strip(" .") or "file"
    return name[-120:]


def storage_dir(instance_path: str) -> Path:
    return Path(instance_path) / "uploads"


def add(session: Session, actor: Actor, listing: Listing, filename: str, stream: BinaryIO, *,
        instance_path: str, max_bytes: int) -> Attachment:
    require_editor(session, actor, listing)
    if len(listing.attachments) >= MAX_ATTACHMENTS:
        raise ValidationFailed(_l("At most %(n)d attachments.", n=MAX_ATTACHMENTS),
                               field_errors={"file": _l("At most %(n)d attachments.", n=MAX_ATTACHMENTS)})
    data = stream.read(max_bytes + 1)
    if not data:
        raise ValidationFailed(_l("The file is empty."), field_errors={"file": _l("The file is empty.")})
    if len(data) > max_bytes:
        msg = _l("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024))
        raise ValidationFailed(msg, field_errors={"file": msg})
    ctype = sniff(data[:16], data)
    name = safe_filename(filename)
    if ctype is None:
        msg = _l("Only PDF, PNG, JPEG and Office (docx, xlsx, pptx) files; this file is something else.")
        raise ValidationFailed(msg, field_errors={"file": msg})
    if not name.lower().endswith(TYPES[ctype]):
        name = f"{Path(name).stem}{TYPES[ctype][0]}"
    digest = hashlib.sha256(data).hexdigest()
    folder = storage_dir(instance_path) / digest[:2]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / digest
    if not target.exists():
        target.write_bytes(data)
    att = Attachment(listing_id=listing.id, filename=name, content_type=ctype, size=len(data), sha256=digest,
                     uploaded_by_id=actor.user_id)
    listing.attachments.append(att)
    session.flush()
    audit.record(session, actor, "listing", listing.id, "attach", None,
                 {"attachment_id": att.id, "filename": name, "sha256": digest, "size": len(data)})
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
    return storage_dir(instance_path) / att.sha256[:2] / att.sha256
