"""The incentives blueprint: the yearly statements and the operator's disbursements (``/statements``)."""

from __future__ import annotations

from flask import Blueprint

from techmarket.contracts.blueprint import template_context

statements = Blueprint("statements", __name__, url_prefix="/statements")
statements.context_processor(template_context)
