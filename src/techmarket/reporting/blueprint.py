"""The reporting blueprints: their URL table (the handlers are in views/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.reporting.views import bodies, dashboard, reports

bp = Blueprint("statistics", __name__, url_prefix="/statistics")
console = Blueprint("reporting_admin", __name__, url_prefix="/admin/reporting")

URLS: tuple[tuple[Blueprint, str, Callable[..., Any], list[str]], ...] = (
    (bp, "/", dashboard.public, ["GET"]),
    (bp, "/<slug>.csv", dashboard.public_csv, ["GET"]),
    (bp, "/assets/echarts.min.js", dashboard.echarts, ["GET"]),
    (console, "/", dashboard.console, ["GET"]),
    (console, "/<slug>.csv", dashboard.console_csv, ["GET"]),
    (console, "/reports", reports.index, ["GET", "POST"]),
    (console, "/reports/<int:report_id>", reports.report, ["GET"]),
    (console, "/reports/<int:report_id>/issue", reports.issue, ["POST"]),
    (console, "/reports/<int:report_id>/report.<any(pdf, xlsx):fmt>", reports.download, ["GET"]),
    (console, "/bodies", bodies.index, ["GET"]),
    (console, "/bodies/new", bodies.create, ["GET", "POST"]),
    (console, "/bodies/<int:body_id>", bodies.body, ["GET"]),
    (console, "/bodies/<int:body_id>/edit", bodies.edit, ["GET", "POST"]),
    (console, "/bodies/<int:body_id>/delete", bodies.delete, ["POST"]),
    (console, "/targets", bodies.target_page, ["GET"]),
)

ENDPOINT_NAMES = {bodies.target_page: "targets", reports.index: "reports", bodies.index: "bodies"}

for _blueprint, _rule, _view, _methods in URLS:
    _blueprint.add_url_rule(_rule, ENDPOINT_NAMES.get(_view, _view.__name__), _view, methods=_methods)

BLUEPRINTS = (bp, console)
