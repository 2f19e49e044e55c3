"""The statistics pages: public (/statistics) and for staff (/admin/reporting), with a CSV for every table."""

from __future__ import annotations

import io

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.core.clock import local_today
from techmarket.core.spreadsheets import CSV_TYPE, csv_bytes
from techmarket.extensions import db
from techmarket.reporting import queries
from techmarket.reporting.views.common import actor, echarts_path, require_staff


def _page(staff: bool, endpoint: str) -> tuple[str, int]:
    who = actor()
    default_area = queries.area_of(db.session, who) if staff else None
    parsed = queries.parse_filters(db.session, request.args, local_today(), default_area)
    headlines, tables = queries.dashboard(db.session, parsed.filters, staff)
    return render_template("reporting/dashboard.html", staff=staff, endpoint=endpoint, f=parsed.filters,
                           errors=parsed.errors, headlines=headlines, tables=tables,
                           prefectures=queries.prefectures(db.session), charts=echarts_path() is not None,
                           raw=request.args), 400 if parsed.errors else 200


def public() -> tuple[str, int]:
    return _page(False, "statistics")


@login_required
def console() -> tuple[str, int]:
    require_staff(actor())
    return _page(True, "reporting_admin")


def _csv(staff: bool, slug: str) -> Response:
    pair = queries.find_table(slug, staff)
    if pair is None:
        abort(404)
    who = actor()
    parsed = queries.parse_filters(db.session, request.args, local_today(),
                                   queries.area_of(db.session, who) if staff else None)
    table = queries.Reader(db.session, parsed.filters).table(*pair)
    head = [table.head, _("Count")] + ([table.amount_label] if table.amount_label else [])
    rows = [[r.label, r.count] + ([r.amount] if table.amount_label else []) for r in [*table.rows, table.total]]
    f = parsed.filters
    name = f"{slug}-{f.start}-{f.end}{'-' + f.prefecture if f.prefecture else ''}.csv"
    return send_file(io.BytesIO(csv_bytes([[table.title], head, *rows])), mimetype=CSV_TYPE, as_attachment=True,
                     download_name=name)


def public_csv(slug: str) -> Response:
    return _csv(False, slug)


@login_required
def console_csv(slug: str) -> Response:
    require_staff(actor())
    return _csv(True, slug)


def echarts() -> Response:
    path = echarts_path()
    if path is None:
        abort(404)
    return send_file(path, mimetype="text/javascript", max_age=86400)
