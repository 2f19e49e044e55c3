"""The claim blueprint: its URL table (the handlers are in views/)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.contracts.blueprint import template_context
from techmarket.incentives.claims.views import claimant, public, reviewing
from techmarket.incentives.claims.views.common import claim_context

bp = Blueprint("claims", __name__, url_prefix="/claims")
bp.context_processor(template_context)
bp.context_processor(claim_context)

URLS: tuple[tuple[Blueprint, str, Callable[..., Any], list[str]], ...] = (
    (bp, "/", claimant.mine, ["GET", "POST"]),
    (bp, "/new/<int:org_id>/<any(buyer, seller, agency):role>", claimant.create, ["GET", "POST"]),
    (bp, "/<int:claim_id>", reviewing.detail, ["GET"]),
    (bp, "/<int:claim_id>/act/<any(submit, withdraw, pre_pass, pre_return, pre_refuse, city_pass, city_return, "
         "city_refuse, approve, return, refuse, publish):action>", reviewing.act, ["POST"]),
    (bp, "/<int:claim_id>/list", reviewing.list_claim, ["POST"]),
    (bp, "/objections/<int:objection_id>/<any(uphold, dismiss):verdict>", reviewing.answer, ["POST"]),
    (bp, "/review", reviewing.queue, ["GET"]),
    (bp, "/year/<int:year>", reviewing.year, ["GET", "POST"]),
    (bp, "/bureaus", reviewing.bureaus, ["GET", "POST"]),
    (bp, "/publicity", public.publicity, ["GET"]),
    (bp, "/publicity/<int:claim_id>", public.objection, ["GET", "POST"]),
)

for _blueprint, _rule, _view, _methods in URLS:
    _blueprint.add_url_rule(_rule, _view.__name__, _view, methods=_methods)

BLUEPRINTS = (bp,)
