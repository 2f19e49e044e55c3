"""The listing blueprints: their URL table and the labels their templates use (the handlers are in views/)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint

from techmarket.listings import constants as c
from techmarket.listings.views import exports, inquiries, owner, public
from techmarket.listings.views.common import actor, get_listing  # noqa: F401 - used by the matching and search pages

bp = Blueprint("listings", __name__, url_prefix="/listings")
io = Blueprint("listings_io", __name__, url_prefix="/listings")

LABELS: dict[str, Mapping[Any, Any]] = {
    "field": c.FIELDS, "mode": c.TRANSACTION_MODES, "maturity": c.MATURITY, "ip_type": c.IP_TYPES,
    "ip_status": c.IP_STATUSES, "confidentiality": c.CONFIDENTIALITY, "status": c.STATUS_LABELS,
    "kind": c.KIND_LABELS,
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    def label(group: str, value: Any) -> Any:
        return LABELS[group].get(value, value)

    return {"label": label, "LABELS": LABELS, "Kind": c.Kind}


# --- the URLs of the listing pages: one table ------------------------------------------------------------------

URLS: tuple[tuple[Blueprint, str, Callable[..., Any], list[str], dict[str, Any]], ...] = (
    (bp, "/bookmarks", inquiries.bookmarks, ["GET"], {}),
    (bp, "/inquiries", inquiries.inquiries, ["GET"], {}),
    (bp, "/inquiries/<int:thread_id>", inquiries.thread, ["GET", "POST"], {}),
    (bp, "/mine", owner.mine, ["GET"], {}),
    (bp, "/new/<any(achievement, demand):kind>", owner.create, ["GET", "POST"], {}),
    (bp, "/<int:listing_id>/edit", owner.edit, ["GET", "POST"], {}),
    (bp, "/<int:listing_id>/act/<action>", owner.act, ["POST"], {}),
    (bp, "/<int:listing_id>/attachments", owner.manage_attachments, ["GET", "POST"], {}),
    (bp, "/<int:listing_id>/attachments/<int:attachment_id>/delete", owner.delete_attachment, ["POST"], {}),
    (bp, "/achievements", public.browse, ["GET"], {"defaults": {"kind": "achievement"}}),
    (bp, "/demands", public.browse, ["GET"], {"defaults": {"kind": "demand"}}),
    (bp, "/<int:listing_id>", public.detail, ["GET"], {}),
    (bp, "/<int:listing_id>/attachments/<int:attachment_id>", public.download, ["GET"], {}),
    (bp, "/<int:listing_id>/bookmark", public.bookmark, ["POST"], {}),
    (bp, "/<int:listing_id>/ask", public.ask, ["POST"], {}),
    (io, "/export", exports.export, ["GET"], {}),
)

for _blueprint, _rule, _view, _methods, _options in URLS:
    _blueprint.add_url_rule(_rule, _view.__name__, _view, methods=_methods, **_options)

BLUEPRINTS = (bp, io)
