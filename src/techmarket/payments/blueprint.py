"""The payment blueprints: their URL table and what their templates share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.core.components import component
from techmarket.extensions import csrf, db
from techmarket.payments import deposits
from techmarket.payments.components import Gateways
from techmarket.payments.constants import GATEWAY_LABELS, PURPOSE_LABELS, STATUS_LABELS
from techmarket.payments.views import cards as card_views
from techmarket.payments.views import console as console_views
from techmarket.payments.views import deposits as deposit_views
from techmarket.payments.views import payer as payer_views
from techmarket.payments.views import webhooks as webhook_views
from techmarket.trading.auctions.constants import DEPOSIT_STATUS_LABELS

bp = Blueprint("payments", __name__, url_prefix="/payments")
console = Blueprint("payments_admin", __name__, url_prefix="/admin/payments")

LABELS: dict[str, dict[str, Any]] = {"status": STATUS_LABELS, "purpose": PURPOSE_LABELS, "gateway": GATEWAY_LABELS}


def template_context() -> dict[str, Any]:
    def payment_label(group: str, value: Any) -> Any:
        return LABELS[group].get(value, value)

    return {"payment_label": payment_label}


def site_context() -> dict[str, Any]:
    """For every page (the contract page offers paying an instalment by card when Stripe is configured)."""
    return {"card_payments": component(Gateways).offers("stripe"),
            "deposit_payment": lambda deposit: deposits.payment_of(db.session, deposit),
            "deposit_status_label": lambda status: DEPOSIT_STATUS_LABELS.get(status, status)}


bp.app_context_processor(site_context)
for _bp in (bp, console):
    _bp.context_processor(template_context)

URLS: tuple[tuple[Blueprint, str, Callable[..., Any], list[str]], ...] = (
    (bp, "/webhooks/stripe", webhook_views.stripe, ["POST"]),
    (bp, "/instalments/<int:contract_id>/<int:instalment_id>/pay", payer_views.pay_instalment, ["POST"]),
    (bp, "/<int:payment_id>", payer_views.detail, ["GET"]),
    (bp, "/<int:payment_id>/receipt", payer_views.upload_receipt, ["POST"]),
    (bp, "/<int:payment_id>/card", card_views.card_return, ["POST"]),
    (bp, "/<int:payment_id>/transfer", card_views.switch_to_transfer, ["POST"]),
    (bp, "/<int:payment_id>/receipts/<int:receipt_id>", payer_views.download_receipt, ["GET"]),
    (bp, "/deposits/<int:deposit_id>/pay", deposit_views.pay, ["POST"]),
    (console, "/", console_views.queue, ["GET"]),
    (console, "/deposits", deposit_views.deposits_console, ["GET"]),
    (console, "/deposits/<int:deposit_id>/refund", deposit_views.refund, ["POST"]),
    (console, "/deposits/<int:deposit_id>/forfeit", deposit_views.forfeit, ["POST"]),
    (console, "/<int:payment_id>/<any(confirm, reject):decision>", console_views.decide, ["POST"]),
)

for _blueprint, _rule, _view, _methods in URLS:
    _blueprint.add_url_rule(_rule, _view.__name__, _view, methods=_methods)

csrf.exempt(webhook_views.stripe)

BLUEPRINTS = (bp, console)
