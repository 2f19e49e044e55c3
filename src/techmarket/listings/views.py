"""The ``listings`` blueprint with all its pages (public, owners', inquiries), ready to register."""

from __future__ import annotations

from techmarket.listings import views_inquiries, views_owner, views_public
from techmarket.listings.blueprint import bp

__all__ = ["bp", "views_inquiries", "views_owner", "views_public"]
