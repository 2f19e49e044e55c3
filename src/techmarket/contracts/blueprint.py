"""The contract blueprints and what their pages share: who is looking, loading, labels."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, request
from flask_login import current_user

from techmarket.accounts.services import actor_for
from techmarket.contracts import catalogue as cat
from techmarket.contracts.models import Contract
from techmarket.contracts.services import can_view
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.pagination import clamp
from techmarket.extensions import db

bp = Blueprint("contracts", __name__, url_prefix="/contracts")
console = Blueprint("contracts_admin", __name__, url_prefix="/admin/contracts")
statements = Blueprint("statements", __name__, url_prefix="/statements")

LABELS: dict[str, Any] = {
    "status": cat.STATUS_LABELS, "role": cat.PARTY_ROLE_SHORT, "nature": cat.NATURES,
    "non_tech": cat.NON_TECH_CATEGORIES, "exclusivity": cat.EXCLUSIVITY, "ip_kind": cat.IP_KINDS,
    "refusal": cat.REFUSAL_REASONS, "document": cat.DOCUMENT_KINDS, "payment": cat.PAYMENT_STATUS,
}


def _context() -> dict[str, Any]:
    def label(group: str, value: Any) -> Any:
        return LABELS[group].get(value, value)

    return {"label": label, "type_label": cat.type_label, "ContractStatus": cat.Status,
            "status_labels": cat.STATUS_LABELS}


for _bp in (bp, console, statements):
    _bp.context_processor(_context)


def actor() -> Actor:
    return actor_for(current_user) if current_user.is_authenticated else ANONYMOUS


def paging() -> tuple[int, int]:
    return clamp(request.args.get("page"), request.args.get("per_page"), int(current_app.config.get("PER_PAGE", 20)))


def visible_contract(contract_id: int) -> Contract:
    """The contract if the current user may see it; 404 otherwise (a stranger learns nothing)."""
    contract = db.session.get(Contract, contract_id)
    if contract is None or not can_view(db.session, actor(), contract):
        abort(404)
    return contract
