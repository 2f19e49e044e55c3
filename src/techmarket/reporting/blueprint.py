"""The reporting blueprints: their URL table (the handlers are in views/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.reporting.views import dashboard

bp = Blueprint("statistics", __name__, url_prefix="/statistics")
console = Blueprint("reporting_admin", __name__, url_prefix="/admin/reporting")

URLS: tuple[tuple[Blueprint, str, Callable[..., Any], list[str]], ...] = (
    (bp, "/", dashboard.public, ["GET"]),
    (bp, "/<slug>.csv", dashboard.public_csv, ["GET"]),
    (bp, "/assets/echarts.min.js", dashboard.echarts, ["GET"]),
    (console, "/", dashboard.console, ["GET"]),
    (console, "/<slug>.csv", dashboard.console_csv, ["GET"]),
)

for _blueprint, _rule, _view, _methods in URLS:
    _blueprint.add_url_rule(_rule, _view.__name__, _view, methods=_methods)

BLUEPRINTS = (bp, console)
