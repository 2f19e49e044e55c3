"""The Stripe gateway: cards through Stripe's PaymentIntents, in CNY.

The only module that imports the ``stripe`` client, and the only place where money is counted in minor units
(fen). Everything it returns speaks :mod:`techmarket.payments.gateway`'s words: ``Decimal`` yuan and the
market's statuses. The API base is configurable (``TECHMARKET_STRIPE_API_BASE``), so the tests run it against
the ``localstripe`` server.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import stripe
from flask_babel import lazy_gettext as _l

from techmarket.payments.gateway import (
    CURRENCY,
    BadSignature,
    GatewayEvent,
    GatewayPayment,
    GatewayUnavailable,
    PaymentDeclined,
)

log = logging.getLogger(__name__)

_STATUS = {
    "requires_payment_method": "requires_action",
    "requires_confirmation": "requires_action",
    "requires_action": "requires_action",
    "processing": "requires_action",
    "requires_capture": "authorised",
    "succeeded": "succeeded",
    "canceled": "cancelled",
}

_EVENTS = {
    "payment_intent.succeeded": "succeeded",
    "payment_intent.amount_capturable_updated": "authorised",
    "payment_intent.payment_failed": "failed",
    "payment_intent.canceled": "cancelled",
    "payment_intent.requires_action": "requires_action",
    "charge.refunded": "refunded",
}


_REFUND_DONE = frozenset({"succeeded", "pending"})


def to_minor(amount: Decimal) -> int:
    """Yuan to fen (CNY has two decimals)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_minor(value: int) -> Decimal:
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


class StripeGateway:
    name = "stripe"

    def __init__(self, api_key: str, webhook_secret: str, api_base: str | None = None, *, timeout: float = 20) -> None:
        base = {"api": api_base.rstrip("/")} if api_base else None
        self._client = stripe.StripeClient(api_key, base_addresses=base or {}, max_network_retries=1,  # type: ignore[arg-type]
                                           http_client=stripe.RequestsClient(timeout=timeout))
        self._webhook_secret = webhook_secret

    # --- payments ---------------------------------------------------------------------------------------------

    def create(self, amount: Decimal, *, metadata: Mapping[str, str], hold: bool = False,
               payment_method: str | None = None, idempotency_key: str | None = None) -> GatewayPayment:
        params: dict[str, Any] = {"amount": to_minor(amount), "currency": CURRENCY, "metadata": dict(metadata),
                                  "capture_method": "manual" if hold else "automatic",
                                  "payment_method_types": ["card"]}
        if payment_method:  # attached at creation and confirmed at once (the payer's browser made the method)
            params |= {"payment_method": payment_method, "confirm": True}
        options: dict[str, Any] = {"idempotency_key": idempotency_key} if idempotency_key else {}
        intent = self._call(self._client.v1.payment_intents.create, params=params, options=options)
        return self._payment(intent)

    def capture(self, reference: str) -> GatewayPayment:
        return self._payment(self._call(self._client.v1.payment_intents.capture, reference))

    def cancel(self, reference: str) -> GatewayPayment:
        return self._payment(self._call(self._client.v1.payment_intents.cancel, reference))

    def refund(self, reference: str, amount: Decimal | None = None) -> GatewayPayment:
        params: dict[str, Any] = {"payment_intent": reference}
        if amount is not None:
            params["amount"] = to_minor(amount)
        self._call(self._client.v1.refunds.create, params=params)
        return self.retrieve(reference)

    def retrieve(self, reference: str) -> GatewayPayment:
        return self._payment(self._call(self._client.v1.payment_intents.retrieve, reference))

    def list_payments(self, since: dt.datetime | None = None) -> Iterator[GatewayPayment]:
        refunds = self._call(self._client.v1.refunds.list, params={"limit": 100})
        refunded = {str(r.payment_intent) for r in refunds.auto_paging_iter() if r.status in _REFUND_DONE}
        page = self._call(self._client.v1.payment_intents.list, params={"limit": 100})
        for intent in page.auto_paging_iter():
            if since is None or dt.datetime.fromtimestamp(intent.created, dt.UTC) >= since:
                yield self._payment(intent, refunded=intent.id in refunded)

    # --- webhooks ---------------------------------------------------------------------------------------------

    def parse_webhook(self, payload: bytes, signature: str) -> GatewayEvent:
        try:
            event = stripe.Webhook.construct_event(payload, signature, self._webhook_secret)
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise BadSignature(str(exc)) from exc
        obj: dict[str, Any] = event.data.object.to_dict()
        kind = str(obj.get("object", ""))
        reference = obj.get("id") if kind == "payment_intent" else obj.get("payment_intent")
        amount = obj.get("amount")
        error = obj.get("last_payment_error") or {}
        return GatewayEvent(id=str(event.id), type=str(event.type), reference=str(reference) if reference else None,
                            status=_EVENTS.get(str(event.type)),
                            amount=from_minor(amount) if isinstance(amount, int) else None,
                            failure=str(error.get("message") or "") if isinstance(error, dict) else "")

    # --- the one place that talks to Stripe -------------------------------------------------------------------

    def _call(self, method: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except stripe.CardError as exc:
            raise PaymentDeclined(_l("The card was declined: %(why)s", why=exc.user_message or exc.code or "")) \
                from exc
        except stripe.InvalidRequestError as exc:
            log.warning("stripe refused a request: %s", exc)
            raise GatewayUnavailable(_l("The payment service refused the request: %(why)s",
                                        why=exc.user_message or str(exc))) from exc
        except stripe.StripeError as exc:
            log.warning("stripe unavailable: %s", exc)
            raise GatewayUnavailable() from exc

    def _payment(self, intent: Any, *, refunded: bool | None = None) -> GatewayPayment:
        data: dict[str, Any] = intent.to_dict()
        status = _STATUS.get(str(data.get("status")), "requires_action")
        error = data.get("last_payment_error") or {}
        if status == "requires_action" and error:
            status = "failed"
        if status == "succeeded" and (self._refunded(str(data["id"])) if refunded is None else refunded):
            status = "refunded"
        metadata = {str(k): str(v) for k, v in (data.get("metadata") or {}).items()}
        return GatewayPayment(reference=str(data["id"]), status=status, amount=from_minor(data["amount"]),
                              metadata=metadata, client_secret=data.get("client_secret"),
                              failure=str(error.get("message") or "") if isinstance(error, dict) else "")

    def _refunded(self, reference: str) -> bool:
        refunds = self._call(self._client.v1.refunds.list, params={"payment_intent": reference, "limit": 10})
        return any(r.status in _REFUND_DONE for r in refunds.data)
