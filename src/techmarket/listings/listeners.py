"""What the listings domain does when its own events happen (registered once by create_app)."""

from __future__ import annotations

from techmarket.core import events
from techmarket.listings import services


def register() -> None:
    events.on("listing.*", services.announce)
