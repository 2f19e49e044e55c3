"""The operator's console: its blueprints and their URL table (the handlers are in views/).

``admin`` (/admin: users, organisation verification, mail outbox, audit log), ``admin_imports``
(/admin/imports: bulk import of listings) and ``admin_listings`` (/admin/listings: listing moderation). Other
domains' consoles (contracts, trading, payments, reporting, ...) live in their own packages under /admin/..."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.admin.views import console as console_views
from techmarket.admin.views import imports as import_views
from techmarket.admin.views import listings as listing_views

bp = Blueprint("admin", __name__, url_prefix="/admin")
imports = Blueprint("admin_imports", __name__, url_prefix="/admin/imports")
listings = Blueprint("admin_listings", __name__, url_prefix="/admin/listings")

listings.context_processor(listing_views.listing_labels)

FORMAT = "<any(csv, xlsx):fmt>"

URLS: tuple[tuple[Blueprint, str, Callable[..., Any], list[str]], ...] = (
    (bp, "/", console_views.index, ["GET"]),
    (bp, "/organisations", console_views.organisations, ["GET"]),
    (bp, "/organisations/<int:org_id>", console_views.organisation, ["GET", "POST"]),
    (bp, "/users", console_views.users, ["GET"]),
    (bp, "/users/<int:user_id>", console_views.user, ["GET", "POST"]),
    (bp, "/outbox", console_views.outbox, ["GET"]),
    (bp, "/audit", console_views.audit_log, ["GET"]),
    (imports, "/", import_views.index, ["GET", "POST"]),
    (imports, "/<int:run_id>", import_views.run, ["GET"]),
    (imports, "/<int:run_id>/resume", import_views.resume, ["POST"]),
    (imports, "/<int:run_id>.json", import_views.run_json, ["GET"]),
    (imports, f"/<int:run_id>/report.{FORMAT}", import_views.report, ["GET"]),
    (imports, f"/<int:run_id>/rejected.{FORMAT}", import_views.rejected, ["GET"]),
    (imports, f"/template.{FORMAT}", import_views.template, ["GET"]),
    (listings, "/", listing_views.queue, ["GET", "POST"]),
    (listings, "/<int:listing_id>", listing_views.review, ["GET", "POST"]),
    (listings, "/<int:listing_id>/withdraw", listing_views.withdraw, ["POST"]),
    (listings, "/<int:listing_id>/attachments/<int:attachment_id>", listing_views.attachment, ["GET"]),
)

for _blueprint, _rule, _view, _methods in URLS:
    _blueprint.add_url_rule(_rule, _view.__name__, _view, methods=_methods)

BLUEPRINTS = (bp, imports, listings)
