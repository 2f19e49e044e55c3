"""The gateways the application offers, registered as one typed component (``component(Gateways)``).

``TECHMARKET_PAYMENTS_BACKEND`` picks the default: ``offline`` (the embedded default) or ``stripe``. Bank transfer
is always available (large sums are paid that way); cards only when Stripe is configured.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from sqlalchemy import select

from techmarket.core.errors import NotFound
from techmarket.extensions import db
from techmarket.payments.gateway import GatewayPayment, PaymentGateway
from techmarket.payments.models import MarketPayment
from techmarket.payments.offline import OfflineGateway
from techmarket.payments.stripe_gateway import StripeGateway


class Gateways:
    def __init__(self, default: str, available: Mapping[str, PaymentGateway]) -> None:
        self.default_name = default
        self._available = dict(available)

    @property
    def default(self) -> PaymentGateway:
        return self._available[self.default_name]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._available)

    def offers(self, name: str) -> bool:
        return name in self._available

    def get(self, name: str) -> PaymentGateway:
        try:
            return self._available[name]
        except KeyError:
            raise NotFound(f"payment gateway {name!r} is not configured") from None


def offline_ledger(reference: str | None) -> list[GatewayPayment]:
    """The bank transfers the market recorded: the offline gateway's book."""
    query = select(MarketPayment).where(MarketPayment.gateway == "offline")
    if reference is not None:
        query = query.where(MarketPayment.gateway_reference == reference)
    return [GatewayPayment(p.gateway_reference or "", p.status, p.amount, {"payment_id": str(p.id)})
            for p in db.session.scalars(query.order_by(MarketPayment.id))]


def make_gateways(app: Flask) -> Gateways:
    cfg = app.config
    available: dict[str, PaymentGateway] = {"offline": OfflineGateway(offline_ledger)}
    if cfg["PAYMENTS_BACKEND"] == "stripe":
        available["stripe"] = StripeGateway(str(cfg["STRIPE_API_KEY"]), str(cfg["STRIPE_WEBHOOK_SECRET"]),
                                            cfg.get("STRIPE_API_BASE") or None)
    return Gateways(str(cfg["PAYMENTS_BACKEND"]), available)
