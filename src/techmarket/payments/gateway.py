"""The ``PaymentGateway`` protocol: what the market asks of a payment provider.

Two real implementations: :mod:`techmarket.payments.stripe_gateway` (cards through Stripe, the only module that
imports the ``stripe`` client) and :mod:`techmarket.payments.offline` (bank transfer: the payer uploads the receipt,
the operator confirms). Amounts are ``Decimal`` yuan (CNY) everywhere outside the Stripe module.

Gateway statuses are the market's own words, not the provider's:

- ``requires_action``: the payer still has to do something (pay by transfer, authenticate a card);
- ``authorised``: the amount is held on the card (manual capture), not yet taken;
- ``succeeded``: the money is taken;
- ``cancelled``: a hold was released or the payment abandoned; ``refunded``: taken and given back;
- ``failed``: declined.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from flask_babel import lazy_gettext as _l

from techmarket.core.errors import DomainError

STATUSES = ("requires_action", "authorised", "succeeded", "cancelled", "refunded", "failed")
CURRENCY = "cny"


@dataclass(frozen=True)
class GatewayPayment:
    """A payment as the gateway sees it."""

    reference: str
    status: str
    amount: Decimal
    metadata: Mapping[str, str] = field(default_factory=dict)
    client_secret: str | None = None
    """For the payer's browser (Stripe.js) when the gateway needs the payer to act."""
    failure: str = ""


@dataclass(frozen=True)
class GatewayEvent:
    """A verified notification from the gateway (a webhook)."""

    id: str
    type: str
    reference: str | None
    """The gateway payment it concerns, when it concerns one."""
    status: str | None
    """What the event says the payment became (a status of :data:`STATUSES`), or None for an event we do not use."""
    amount: Decimal | None = None
    failure: str = ""


class PaymentDeclined(DomainError):
    """The payer's bank said no (a declined card); nothing was taken."""

    status = 402
    code = "payment_declined"


class GatewayUnavailable(DomainError):
    """The gateway could not be reached or answered with an error; try again later."""

    status = 503
    code = "gateway_unavailable"

    def __init__(self, message: object = None) -> None:
        super().__init__(message or _l("The payment service is not available right now. Please try again later."))


class BadSignature(Exception):
    """A webhook whose signature does not verify (forged, altered, or signed with another secret)."""


class PaymentGateway(Protocol):
    """The small interface every payment provider implements."""

    name: str
    """``stripe`` or ``offline``: stored with each payment."""

    def create(self, amount: Decimal, *, metadata: Mapping[str, str], hold: bool = False,
               payment_method: str | None = None, idempotency_key: str | None = None) -> GatewayPayment:
        """Start a payment of ``amount`` yuan; ``hold`` authorises only (captured or cancelled later)."""
        ...

    def capture(self, reference: str) -> GatewayPayment: ...

    def cancel(self, reference: str) -> GatewayPayment:
        """Release a hold (or abandon a payment not yet taken)."""
        ...

    def refund(self, reference: str, amount: Decimal | None = None) -> GatewayPayment:
        """Give back what was taken (all of it unless ``amount``)."""
        ...

    def retrieve(self, reference: str) -> GatewayPayment: ...

    def list_payments(self, since: dt.datetime | None = None) -> Iterator[GatewayPayment]:
        """Every payment the gateway knows (created after ``since``), for reconciliation."""
        ...

    def parse_webhook(self, payload: bytes, signature: str) -> GatewayEvent:
        """Verify and read a webhook; raises :class:`BadSignature` when it does not verify."""
        ...
