"""Attachments: the real type from the bytes (not the name), size limits, storage by hash, permissions."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from flask import Flask

from techmarket.accounts.services import actor_for
from techmarket.core import uploads
from techmarket.core.errors import NotFound, PermissionDenied, ValidationFailed
from techmarket.extensions import db
from techmarket.listings import attachments
from techmarket.listings.models import Attachment
from tests.factories import Factories
from tests.listings.services_support import audit_actions, count, create, new_owner

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MB = 1024 * 1024


def png() -> bytes:
    """A real 1x1 PNG: signature, IHDR, IDAT, IEND."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def office(*parts: str, content_types: bool = True) -> bytes:
    """A zip shaped like an Office Open XML file (or not, without ``[Content_Types].xml``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        if content_types:
            z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                                              'package/2006/content-types"/>')
            z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        for part in parts:
            z.writestr(part, '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


def sniff(data: bytes) -> str | None:
    return uploads.sniff(data[:16], data)


@pytest.mark.parametrize(("data", "ctype"), [
    (PDF, "application/pdf"),
    (png(), "image/png"),
    (JPEG, "image/jpeg"),
    (office("word/document.xml"), DOCX),
    (office("xl/workbook.xml", "xl/worksheets/sheet1.xml"), XLSX),
    (office("ppt/presentation.xml"), PPTX),
])
def test_real_files_are_recognised(data: bytes, ctype: str) -> None:
    assert sniff(data) == ctype


@pytest.mark.parametrize("data", [
    HTML,  # an HTML page named report.pdf
    b"",
    b"MZ\x90\x00\x03\x00\x00\x00",  # a Windows executable
    b"GIF89a\x01\x00\x01\x00",
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    office("word/document.xml", content_types=False),  # a zip without content types
    office("classes.dex", "META-INF/MANIFEST.MF"),  # a zip with content types but no Office part
    b"PK\x03\x04 this is not really a zip file",
    b"  %PDF-1.4 (the signature must come first)",
])
def test_disguised_or_other_files_are_not_recognised(data: bytes) -> None:
    assert sniff(data) is None


@pytest.mark.parametrize(("raw", "safe"), [
    ("../../etc/passwd", "passwd"), ("C:\\Users\\王\\报告.pdf", "报告.pdf"), ("", "file"), ("...", "file"),
    ("a<b>:c|d?.pdf", "a_b__c_d_.pdf"), ("tab\there.png", "tab_here.png"), ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ("report\u202egpj.exe", "reportgpj.exe"), ("\u2066报告\u2069\u200e\u200f\u061c.pdf", "报告.pdf"),
    ("a\u202a\u202b\u202c\u202db.pdf", "ab.pdf"), ("\u2067\u2068x.pdf", "x.pdf"),
    ("zero\u200bwidth\ufeff.pdf", "zerowidth.pdf"),
    ("c1\x85\x9f.pdf", "c1.pdf"), ("line\u2028sep.pdf", "linesep.pdf"), ("\u202e", "file"),
])
def test_safe_filename(raw: str, safe: str) -> None:
    assert uploads.safe_filename(raw) == safe


def _add(app: Flask, actor: object, listing: object, name: str, data: bytes, max_bytes: int = 5 * MB) -> Attachment:
    return attachments.add(db.session, actor, listing, name, io.BytesIO(data),  # type: ignore[arg-type]
                           instance_path=app.instance_path, max_bytes=max_bytes)


def _stored(app: Flask) -> list[str]:
    root = uploads.storage_dir(app.instance_path)
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_file_is_stored_by_its_hash_under_its_real_type(app: Flask, make: Factories,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = create(who)
    image = png()
    att = _add(app, who.actor, listing, "../现场照片.pdf", image)  # a PNG, whatever the name says
    db.session.commit()
    assert (att.content_type, att.filename, att.size) == ("image/png", "现场照片.png", len(image))
    assert att.sha256 == hashlib.sha256(image).hexdigest()
    assert attachments.path_of(app.instance_path, att).read_bytes() == image
    same = _add(app, who.actor, listing, "copy.png", image)
    report = _add(app, who.actor, listing, "检测报告.pdf", PDF)
    db.session.commit()
    assert same.sha256 == att.sha256 and len(_stored(app)) == 2  # one file per content
    assert [a.filename for a in listing.attachments] == ["现场照片.png", "copy.png", "检测报告.pdf"]
    assert audit_actions(listing).count("attach") == 3
    attachments.remove(db.session, who.actor, listing, report.id)
    db.session.commit()
    assert count(Attachment) == 2 and audit_actions(listing)[-1] == "detach"
    with pytest.raises(NotFound):
        attachments.remove(db.session, who.actor, listing, report.id)


@pytest.mark.parametrize(("name", "data", "limit"), [
    ("report.pdf", HTML, 5 * MB),  # disguised
    ("table.xlsx", office("xl/workbook.xml", content_types=False), 5 * MB),  # a zip posing as Office
    ("empty.pdf", b"", 5 * MB),
    ("big.pdf", PDF + b"0" * 200, 100),  # over the limit
])
def test_refused_files_leave_nothing_behind(app: Flask, make: Factories, monkeypatch: pytest.MonkeyPatch,
                                            name: str, data: bytes, limit: int) -> None:
    who = new_owner(make, monkeypatch)
    listing = create(who)
    with pytest.raises(ValidationFailed) as caught:
        _add(app, who.actor, listing, name, data, max_bytes=limit)
    assert "file" in caught.value.field_errors
    db.session.rollback()
    assert count(Attachment) == 0 and _stored(app) == [] and "attach" not in audit_actions(listing)


def test_only_members_attach_and_at_most_ten(app: Flask, make: Factories, monkeypatch: pytest.MonkeyPatch) -> None:
    who = new_owner(make, monkeypatch)
    listing = create(who)
    with pytest.raises(PermissionDenied):
        _add(app, actor_for(make.user()), listing, "a.pdf", PDF)
    for n in range(attachments.MAX_ATTACHMENTS):
        _add(app, who.actor, listing, f"附件{n}.pdf", PDF + str(n).encode())
    with pytest.raises(ValidationFailed):
        _add(app, who.actor, listing, "eleventh.pdf", PDF)
    db.session.commit()
    assert count(Attachment) == attachments.MAX_ATTACHMENTS
    with pytest.raises(PermissionDenied):
        attachments.remove(db.session, actor_for(make.user()), listing, listing.attachments[0].id)
