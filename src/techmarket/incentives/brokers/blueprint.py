"""The broker blueprint: its URL table (the handlers are in views/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.contracts.blueprint import template_context
from techmarket.incentives.brokers.views import pages

bp = Blueprint("brokers", __name__, url_prefix="/brokers")
bp.context_processor(template_context)

URLS: tuple[tuple[Blueprint, str, Callable[..., Any], list[str]], ...] = (
    (bp, "/", pages.registry, ["GET"]),
    (bp, "/new", pages.create, ["GET", "POST"]),
    (bp, "/<int:broker_id>", pages.detail, ["GET"]),
    (bp, "/<int:broker_id>/attribute", pages.attribute, ["POST"]),
)

for _blueprint, _rule, _view, _methods in URLS:
    _blueprint.add_url_rule(_rule, _view.__name__, _view, methods=_methods)

BLUEPRINTS = (bp,)
