"""Every page of the contract domain: importing the modules registers their routes on the blueprints."""

from __future__ import annotations

from techmarket.contracts import views_console, views_party, views_records, views_statements
from techmarket.contracts.blueprint import bp, console, statements

BLUEPRINTS = (bp, console, statements)
__all__ = ["BLUEPRINTS", "views_console", "views_party", "views_records", "views_statements"]
