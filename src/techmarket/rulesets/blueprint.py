"""The policy pages' blueprint ``policy``: its URL table (the handlers are in views/).

One name, "policy", wherever a user or a link sees it: the pages live under /policy (endpoints ``policy.*``,
templates in ``templates/policy/``), the API under /api/v1/policy, the nav says "Policy calculators"
(政策计算器). They run the pure engine of :mod:`techmarket.policy` over the rule sets stored by this package,
which is named ``rulesets`` after what it stores (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.rulesets.views import calculators, rules

bp = Blueprint("policy", __name__, url_prefix="/policy")

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
