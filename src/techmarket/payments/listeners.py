"""What the payments domain does when its payments move (registered by create_app)."""

from __future__ import annotations

from techmarket.core import events
from techmarket.payments import instalments


def register() -> None:
    events.on("payment.succeeded", instalments.settle)
    events.on("payment.captured", instalments.settle)
