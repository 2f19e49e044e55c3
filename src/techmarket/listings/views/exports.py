"""Export of the public, filtered list of listings in the import format (CSV streamed, or XLSX)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from flask import Response, abort, request, send_file, stream_with_context
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.orm import lazyload

from techmarket.accounts.services import actor_for
from techmarket.core.clock import local_today
from techmarket.core.spreadsheets import BOM, CSV_TYPE, XLSX_TYPE, csv_line, xlsx_bytes
from techmarket.extensions import db, limiter
from techmarket.listings import exporting, visibility
from techmarket.listings.constants import Kind
from techmarket.listings.importing import FORMATS
from techmarket.listings.models import Listing
from techmarket.listings.queries import BrowseFilters, browse


def _sees_contact() -> bool:
    """Contact details (and a confidential demand's issuer and details) go to signed-in members of verified
    organisations and to the operator, as on the detail page (the listings' visibility policy)."""
    if not current_user.is_authenticated:
        return False
    return visibility.viewer_for(db.session, actor_for(current_user)).sees_contact()


@limiter.limit("30 per minute")
def export() -> Response:
    try:
        kind = Kind(request.args.get("kind", Kind.ACHIEVEMENT.value))
    except ValueError:
        abort(404)
    fmt = request.args.get("format", "csv")
    if fmt not in FORMATS:
        abort(404)
    filters = BrowseFilters.from_args(request.args, kind)
    stmt = browse(filters).limit(exporting.EXPORT_CAP + 1).options(lazyload(Listing.attachments))
    zh = str(get_locale() or "zh").startswith("zh")
    full = _sees_contact()
    name = f"{'achievements' if kind == Kind.ACHIEVEMENT else 'demands'}-{local_today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        def generate() -> Iterator[str]:
            yield BOM
            listings = db.session.scalars(stmt, execution_options={"yield_per": 500})
            for row in exporting.listing_rows(listings, zh=zh, contact=full, details=full, cap=exporting.EXPORT_CAP):
                yield csv_line(row)

        return Response(stream_with_context(generate()), mimetype=CSV_TYPE,
                        headers={"Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"})
    rows = exporting.listing_rows(db.session.scalars(stmt), zh=zh, contact=full, details=full,
                                  cap=exporting.EXPORT_CAP)
    data = xlsx_bytes([("导入 Import", rows)])
    resp = send_file(io.BytesIO(data), mimetype=XLSX_TYPE, as_attachment=True, download_name=name, max_age=0)
    resp.headers["Cache-Control"] = "no-store"
    return resp
