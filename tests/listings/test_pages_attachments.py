"""Attachments: upload, download with the right type and name, refusal of disguised and oversized files."""

from __future__ import annotations

import io

from flask import Flask

from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings.constants import Kind
from techmarket.listings.models import Attachment
from tests.factories import Factories
from tests.listings.pages_support import (
    client_for,
    html,
    isolated,  # noqa: F401 - autouse fixture
    make_listing,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _upload(c: object, listing_id: int, name: str, content: bytes) -> object:
    return c.post(f"/listings/{listing_id}/attachments",  # type: ignore[attr-defined]
                  data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_pdf_upload_and_download(app: Flask, client: object, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    owner = client_for(app, org.memberships[0].user)
    resp = _upload(owner, listing.id, "技术说明书.pdf", PDF)
    assert resp.status_code == 302, html(resp)[:1500]
    att = db.session.scalars(db.select(Attachment)).one()
    assert (att.content_type, att.size) == ("application/pdf", len(PDF))
    assert "技术说明书.pdf" in html(owner.get(f"/listings/{listing.id}/attachments"))
    detail = html(client.get(f"/listings/{listing.id}"))  # type: ignore[attr-defined]
    link = f"/listings/{listing.id}/attachments/{att.id}"
    assert link in detail
    download = client.get(link)  # type: ignore[attr-defined]
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition


def test_a_pdf_that_is_really_html_is_refused(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    owner = client_for(app, org.memberships[0].user)
    owner.get("/lang/en")
    resp = _upload(owner, listing.id, "report.pdf", b"<html><script>alert(1)</script></html>")
    assert resp.status_code == 400
    assert "Only PDF, PNG, JPEG and Office" in html(resp).split('id="file-error"')[1][:300]
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


def test_an_oversized_file_is_refused(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    owner = client_for(app, org.memberships[0].user)
    owner.get("/lang/en")
    app.config["MAX_UPLOAD_MB"] = 1
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024 + 10)
    resp = _upload(owner, listing.id, "big.pdf", big)
    assert resp.status_code == 413
    assert "too large" in html(resp)
    # Behind a proxy that lets bigger requests through, the service's own limit answers beside the field.
    app.config["MAX_CONTENT_LENGTH"] = 4 * 1024 * 1024
    resp = _upload(owner, listing.id, "big.pdf", big)
    assert resp.status_code == 400
    assert "larger than 1 MB" in html(resp).split('id="file-error"')[1][:200]
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


def test_attachments_follow_the_listings_visibility(app: Flask, client: object, make: Factories) -> None:
    org = make.org(status="verified")
    draft = make_listing(org, status="draft")
    secret = make_listing(org, Kind.DEMAND, confidentiality="verified_only")
    owner = client_for(app, org.memberships[0].user)
    for listing in (draft, secret):
        assert _upload(owner, listing.id, "spec.pdf", PDF).status_code == 302
    atts = {a.listing_id: a.id for a in db.session.scalars(db.select(Attachment))}
    draft_link = f"/listings/{draft.id}/attachments/{atts[draft.id]}"
    secret_link = f"/listings/{secret.id}/attachments/{atts[secret.id]}"
    assert client.get(draft_link).status_code == 404  # type: ignore[attr-defined]
    assert client.get(secret_link).status_code == 404  # type: ignore[attr-defined]
    assert owner.get(draft_link).status_code == 200
    verified = make.user(Role.ENTERPRISE)
    make.org(verified, status="verified")
    assert client_for(app, verified).get(secret_link).status_code == 200
    # Only the owners manage attachments.
    intruder = client_for(app, verified)
    assert intruder.get(f"/listings/{secret.id}/attachments").status_code == 403
    assert _upload(intruder, secret.id, "x.pdf", PDF).status_code == 403
    assert intruder.post(f"/listings/{secret.id}/attachments/{atts[secret.id]}/delete").status_code == 403


def test_owner_removes_an_attachment(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    owner = client_for(app, org.memberships[0].user)
    _upload(owner, listing.id, "spec.pdf", PDF)
    att_id = db.session.scalars(db.select(Attachment.id)).one()
    resp = owner.post(f"/listings/{listing.id}/attachments/{att_id}/delete")
    assert resp.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_bidi_and_control_characters_are_stripped_from_the_stored_and_shown_name(app: Flask, make: Factories) -> None:
    org = make.org(status="verified")
    listing = make_listing(org)
    owner = client_for(app, org.memberships[0].user)
    # Shown as "合同exe.pdf" by a bidi-aware display if the override survived.
    resp = _upload(owner, listing.id, "合同\u202efdp.exe" + BIDI + "\u200b\u0085\u2028", PDF)
    assert resp.status_code == 302, html(resp)[:1500]
    att = db.session.scalars(db.select(Attachment)).one()
    assert att.filename == "合同fdp.pdf"  # no control character left; the real type's extension
    page = html(owner.get(f"/listings/{listing.id}/attachments"))
    assert not set(BIDI) & set(page)
    disposition = owner.get(f"/listings/{listing.id}/attachments/{att.id}").headers["Content-Disposition"]
    assert "%E2%80%AE" not in disposition.upper()
