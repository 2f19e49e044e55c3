"""The offline gateway: bank transfer, which is how large Chinese contracts and deposits are paid.

Nothing is sent anywhere: the payer transfers the money and uploads the bank receipt, the operator checks it
against the market's account and confirms or rejects. The market's own payment rows are the ledger, so
:meth:`retrieve` and :meth:`list_payments` read them through the ``ledger`` given at construction. Holds do not
exist for a transfer: a deposit is collected and later transferred back (a refund the operator records).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from techmarket.core.errors import NotFound
from techmarket.payments.gateway import BadSignature, GatewayEvent, GatewayPayment

Ledger = Callable[[str | None], list[GatewayPayment]]
"""``ledger(reference)``: the offline payments the market recorded (one, or all when ``reference`` is None)."""


class OfflineGateway:
    name = "offline"

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger

    def create(self, amount: Decimal, *, metadata: Mapping[str, str], hold: bool = False,
               payment_method: str | None = None, idempotency_key: str | None = None) -> GatewayPayment:
        """A transfer to wait for: its reference is what the payer writes in the transfer's remark (附言)."""
        reference = f"BT{dt.datetime.now(dt.UTC):%y%m%d}{secrets.token_hex(4).upper()}"
        return GatewayPayment(reference, "requires_action", amount, dict(metadata))

    def capture(self, reference: str) -> GatewayPayment:
        return self._as(reference, "succeeded")

    def cancel(self, reference: str) -> GatewayPayment:
        return self._as(reference, "cancelled")

    def refund(self, reference: str, amount: Decimal | None = None) -> GatewayPayment:
        """The operator transfers the money back; the market records the refund."""
        return self._as(reference, "refunded")

    def retrieve(self, reference: str) -> GatewayPayment:
        found = self._ledger(reference)
        if not found:
            raise NotFound(_l("No such payment."))
        return found[0]

    def list_payments(self, since: dt.datetime | None = None) -> Iterator[GatewayPayment]:
        yield from self._ledger(None)

    def parse_webhook(self, payload: bytes, signature: str) -> GatewayEvent:
        raise BadSignature("bank transfers send no webhooks")

    def _as(self, reference: str, status: str) -> GatewayPayment:
        current = self.retrieve(reference)
        return GatewayPayment(reference, status, current.amount, current.metadata)
