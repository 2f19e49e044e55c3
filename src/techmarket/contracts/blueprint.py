"""The contract blueprints: their URL table and the labels their templates use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.contracts import constants as cat
from techmarket.contracts.views import console as console_views
from techmarket.contracts.views import party as party_views
from techmarket.contracts.views import public as public_views
from techmarket.contracts.views import records as records_views

bp = Blueprint("contracts", __name__, url_prefix="/contracts")
console = Blueprint("contracts_admin", __name__, url_prefix="/admin/contracts")

LABELS: dict[str, Any] = {
    "status": cat.STATUS_LABELS, "role": cat.PARTY_ROLE_SHORT, "nature": cat.NATURES,
    "non_tech": cat.NON_TECH_CATEGORIES, "exclusivity": cat.EXCLUSIVITY, "ip_kind": cat.IP_KINDS,
    "refusal": cat.REFUSAL_REASONS, "document": cat.DOCUMENT_KINDS, "payment": cat.PAYMENT_STATUS,
}


def template_context() -> dict[str, Any]:
    """Labels the contract templates use (the incentives pages show contracts too)."""
    def label(group: str, value: Any) -> Any:
        return LABELS[group].get(value, value)

    return {"label": label, "type_label": cat.type_label, "ContractStatus": cat.Status,
            "status_labels": cat.STATUS_LABELS}


for _bp in (bp, console):
    _bp.context_processor(template_context)


# --- the URLs of the contract pages: one table (the handlers are in views/) -----------------------------------

URLS: tuple[tuple[Blueprint, str, Callable[..., Any], list[str]], ...] = (
    (bp, "/", party_views.mine, ["GET"]),
    (bp, "/new", party_views.create, ["GET", "POST"]),
    (bp, "/<int:contract_id>/edit", party_views.edit, ["GET", "POST"]),
    (bp, "/<int:contract_id>", party_views.detail, ["GET"]),
    (bp, "/<int:contract_id>/act/<any(submit, withdraw, reopen):action>", party_views.act, ["POST"]),
    (bp, "/<int:contract_id>/certificate", party_views.certificate, ["GET"]),
    (bp, "/check", public_views.check, ["GET"]),
    (bp, "/<int:contract_id>/documents", records_views.add_document, ["POST"]),
    (bp, "/<int:contract_id>/documents/<int:document_id>/delete", records_views.delete_document, ["POST"]),
    (bp, "/<int:contract_id>/documents/<int:document_id>", records_views.download_document, ["GET"]),
    (bp, "/<int:contract_id>/payments", records_views.record_payment, ["POST"]),
    (bp, "/payments/<int:payment_id>/<any(confirm, reject):decision>", records_views.decide_payment, ["POST"]),
    (bp, "/<int:contract_id>/decide", records_views.decide, ["POST"]),
    (bp, "/<int:contract_id>/amend", records_views.amend, ["POST"]),
    (console, "/", console_views.queue, ["GET"]),
    (console, "/search", console_views.search, ["GET"]),
    (console, "/search/export.csv", console_views.export, ["GET"]),
    (console, "/stats", console_views.stats, ["GET"]),
    (console, "/payments", console_views.payments, ["GET"]),
)

for _blueprint, _rule, _view, _methods in URLS:
    _blueprint.add_url_rule(_rule, _view.__name__, _view, methods=_methods)

BLUEPRINTS = (bp, console)
