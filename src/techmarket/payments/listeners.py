"""What the payments domain does when money moves or deposits change (registered by create_app)."""

from __future__ import annotations

from techmarket.core import events
from techmarket.payments import deposits, instalments


def register() -> None:
    events.on("payment.succeeded", instalments.settle)
    events.on("payment.captured", instalments.settle)
    events.on("payment.authorised", deposits.secure)
    events.on("payment.succeeded", deposits.secure)
    events.on("deposit.released", deposits.on_released, after_commit=True)
    events.on("deposit.applied", deposits.on_applied, after_commit=True)
    events.on("contract_document.added", deposits.on_contract_document, after_commit=True)
