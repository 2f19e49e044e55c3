"""The auction blueprint: its URL table (the handlers are in views/) and the labels its templates use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Blueprint

from techmarket.core.clock import to_local
from techmarket.trading.auctions.constants import (
    AUCTION_STATUS_LABELS,
    BIDDER_STATUS_LABELS,
    DEPOSIT_GATEWAY_LABELS,
    DEPOSIT_STATUS_LABELS,
    MODE_LABELS,
    OBJECTION_STATUS_LABELS,
)
from techmarket.trading.auctions.views import bidder as bidder_views
from techmarket.trading.auctions.views import operator as operator_views
from techmarket.trading.auctions.views import public as public_views

bp = Blueprint("auctions", __name__, url_prefix="/auctions")

LABELS: dict[str, Any] = {"auction": AUCTION_STATUS_LABELS, "bidder": BIDDER_STATUS_LABELS,
                          "deposit": DEPOSIT_STATUS_LABELS, "auction_objection": OBJECTION_STATUS_LABELS,
                          "mode": MODE_LABELS, "gateway": DEPOSIT_GATEWAY_LABELS}


@bp.context_processor
def template_context() -> dict[str, Any]:
    def label(group: str, value: Any) -> Any:
        return LABELS[group].get(value, value)

    def clock(value: dt.datetime) -> str:
        return to_local(value).strftime("%Y-%m-%d %H:%M:%S")

    return {"label": label, "clock": clock}


URLS: tuple[tuple[str, Callable[..., Any], list[str]], ...] = (
    ("/", public_views.index, ["GET"]),
    ("/<int:auction_id>", public_views.detail, ["GET"]),
    ("/<int:auction_id>/status.json", public_views.status, ["GET"]),
    ("/<int:auction_id>/confirmation.pdf", public_views.confirmation, ["GET"]),
    ("/<int:auction_id>/objections", public_views.object_to, ["POST"]),
    ("/listings/<int:listing_id>/new", bidder_views.create, ["GET", "POST"]),
    ("/<int:auction_id>/relist", bidder_views.relist, ["GET", "POST"]),
    ("/<int:auction_id>/withdraw", bidder_views.withdraw, ["POST"]),
    ("/<int:auction_id>/register", bidder_views.register, ["POST"]),
    ("/<int:auction_id>/bid", bidder_views.bid, ["POST"]),
    ("/console", operator_views.console, ["GET"]),
    ("/<int:auction_id>/operate", operator_views.operate, ["GET"]),
    ("/<int:auction_id>/decide/<any(approve, refuse):action>", operator_views.decide, ["POST"]),
    ("/bidders/<int:bidder_id>/<any(qualify, refuse):action>", operator_views.decide_bidder, ["POST"]),
    ("/deposits/<int:deposit_id>/<any(secure, refund, forfeit):action>", operator_views.deposit, ["POST"]),
    ("/objections/<int:objection_id>/<any(uphold, dismiss):action>", operator_views.decide_objection, ["POST"]),
)

for _rule, _view, _methods in URLS:
    bp.add_url_rule(_rule, _view.__name__, _view, methods=_methods)
