"""Uploaded files: size and real type checked from the bytes (not the name), stored by content hash.

Shared by every domain that takes documents (listing attachments, contract documents, payment receipts).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from techmarket.core.clock import utcnow
from techmarket.core.errors import ValidationFailed

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


#: Unicode categories dropped from file names: format characters (the bidi embeddings, overrides and isolates
#: U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F and U+061C, zero-width characters), control
#: characters beyond ASCII, line and paragraph separators, surrogates and private use. A name such as
#: "invoice\u202efdp.exe" would otherwise show as "invoiceexe.pdf" wherever it is displayed.
_DROPPED = {"Cf", "Cc", "Zl", "Zp", "Cs", "Co", "Cn"}


def safe_filename(name: str) -> str:
    """A name fit to store and show: no folders, no bidi or other control characters, no reserved characters."""
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r"[\x00-\x1f\x7f]", "_", name)  # ASCII controls (a tab, a newline) stand out as _
    name = "".join(ch for ch in name if unicodedata.category(ch) not in _DROPPED)
    name = Path(name.replace("\\", "/")).name
    name = re.sub(r"[<>:\"/\\|?*]", "_", name).strip(" .") or "file"
    return name[-120:]


def storage_dir(instance_path: str) -> Path:
    return Path(instance_path) / "uploads"


def path_for(instance_path: str, sha256: str) -> Path:
    return storage_dir(instance_path) / sha256[:2] / sha256


class StoredFileColumns:
    """The columns of a row that stands for a stored upload (listing attachments, contract documents)."""

    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Stored:
    filename: str
    content_type: str
    size: int
    sha256: str


def store(filename: str, stream: BinaryIO, *, instance_path: str, max_bytes: int, field: str = "file") -> Stored:
    """Check and keep an upload; a bad file raises :class:`ValidationFailed` on ``field``."""
    data = stream.read(max_bytes + 1)
    if not data:
        raise ValidationFailed(_l("The file is empty."), field_errors={field: _l("The file is empty.")})
    if len(data) > max_bytes:
        msg = _l("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024))
        raise ValidationFailed(msg, field_errors={field: msg})
    ctype = sniff(data[:16], data)
    name = safe_filename(filename)
    if ctype is None:
        msg = _l("Only PDF, PNG, JPEG and Office (docx, xlsx, pptx) files; this file is something else.")
        raise ValidationFailed(msg, field_errors={field: msg})
    if not name.lower().endswith(TYPES[ctype]):
        name = f"{Path(name).stem}{TYPES[ctype][0]}"
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(instance_path, digest)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        target.write_bytes(data)
    return Stored(name, ctype, len(data), digest)
