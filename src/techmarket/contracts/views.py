"""Every page of the contract domain: importing the modules registers their routes on the blueprints."""

from __future__ import annotations

from techmarket.contracts import views_console, views_party, views_records
from techmarket.contracts.blueprint import bp, console

BLUEPRINTS = (bp, console)
__all__ = ["BLUEPRINTS", "views_console", "views_party", "views_records"]
