"""The policy pages' blueprint: its URL table (the handlers are in views/).

One name, "policy": the pages live under /policy, the API under /api/v1/policy, and they run the pure engine of
:mod:`techmarket.policy` over the rule sets stored by this package. The blueprint keeps its endpoint name
``calculators`` (templates and other domains' pages link to ``calculators.*``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.rulesets.views import calculators, rules

bp = Blueprint("calculators", __name__, url_prefix="/policy")

URLS: tuple[tuple[str, Callable[..., Any], list[str]], ...] = (
    ("/", calculators.index, ["GET"]),
    ("/<name>", calculators.calculator, ["GET", "POST"]),
    ("/<name>/save", calculators.save, ["POST"]),
    ("/saved", calculators.saved_list, ["GET"]),
    ("/saved/<int:saved_id>", calculators.saved_detail, ["GET"]),
    ("/rules", rules.rules, ["GET"]),
    ("/rules/<name>", rules.rule_set, ["GET"]),
    ("/rules/<name>/v<int:number>", rules.rule_version, ["GET"]),
    ("/rules/<name>/edit", rules.rule_edit, ["GET", "POST"]),
)

for _rule, _view, _methods in URLS:
    bp.add_url_rule(_rule, _view.__name__, _view, methods=_methods)
