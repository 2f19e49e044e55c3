"""The ``trading`` blueprint and what its pages share: who is looking, paging, labels, the listing's box."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from techmarket.accounts.services import actor_for
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.pagination import clamp
from techmarket.extensions import db
from techmarket.listings.constants import TRANSACTION_MODES, Kind, Status
from techmarket.listings.models import Listing
from techmarket.trading import access, deals, queries, sales
from techmarket.trading.auctions.services import latest_auction
from techmarket.trading.constants import REGISTRATION_STATUS_LABELS, SALE_STATUS_LABELS, STATUS_LABELS

bp = Blueprint("trading", __name__, url_prefix="/trading")


def actor() -> Actor:
    return actor_for(current_user) if current_user.is_authenticated else ANONYMOUS


def paging(prefix: str = "") -> tuple[int, int]:
    return clamp(request.args.get(f"{prefix}page"), request.args.get("per_page"),
                 int(current_app.config.get("PER_PAGE", 20)))


def get_or_404(model: type, object_id: int) -> Any:
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"trading_box": trading_box, "trade_status": lambda s: STATUS_LABELS.get(s, s),
            "sale_status": lambda s: SALE_STATUS_LABELS.get(s, s),
            "reg_status": lambda s: REGISTRATION_STATUS_LABELS.get(s, s),
            "mode_label": lambda m: TRANSACTION_MODES.get(m, m)}


def trading_box(listing: Listing) -> Markup:
    """The trading box of an achievement's page: the 挂牌 price and period, publicity notices, the buttons.

    Reading the page settles a sale whose period is over (the due job does the same for pages nobody reads).
    """
    if listing.kind != Kind.ACHIEVEMENT or listing.status != Status.PUBLISHED:
        return Markup("")
    sale = sales.active_sale(db.session, listing.id)
    if (sale is not None and sales.settle(db.session, sale) is not None) or _settle_deals(listing):
        db.session.commit()
    who = actor()
    mine = access.org_ids_of(db.session, who)
    owner = listing.organisation_id in mine
    buyer_orgs = [o for o in access.verified_orgs_of(db.session, who) if o.id != listing.organisation_id]
    listed_deals = queries.deals_for_listing(db.session, listing.id)
    return Markup(render_template(  # noqa: S704 - a rendered template, escaped by Jinja
        "trading/_box.html", listing=listing, sale=sale, owner=owner, buyer_orgs=buyer_orgs,
        days_left=sales.days_left(sale) if sale is not None else 0,
        publicity=[d for d in listed_deals if d.status == "publicity"], signed_in=current_user.is_authenticated,
        auction=latest_auction(db.session, listing.id),
        operator=who.is_operator, threads=queries.threads_on(db.session, listing.id, mine)))


def _settle_deals(listing: Listing) -> bool:
    system = Actor.system("trading page read")
    settled = [deals.settle(db.session, system, d) for d in queries.deals_for_listing(db.session, listing.id)
               if d.status == "publicity"]
    return any(settled)

