"""The ``trading`` blueprint with all its pages: my trading, the deal, the operator's console."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.core.actor import Actor
from techmarket.core.pagination import paginate
from techmarket.extensions import db
from techmarket.trading import access, deals, negotiation, queries, views_offers, views_sales
from techmarket.trading.blueprint import actor, bp, get_or_404, paging
from techmarket.trading.forms import ReasonForm
from techmarket.trading.models import Deal

TABS = ("offers", "registrations", "sales", "deals")
_QUERIES = {"offers": queries.threads_of, "registrations": queries.registrations_of, "sales": queries.sales_of,
            "deals": queries.deals_of}


@bp.route("/")
@login_required
def mine() -> str:
    """My trading: the negotiations, registrations, sales and deals of my organisations, one tab at a time."""
    tab = request.args.get("tab", "offers")
    if tab not in TABS:
        tab = "offers"
    org_ids = access.org_ids_of(db.session, actor())
    page = paginate(db.session, _QUERIES[tab](org_ids), *paging())
    if tab == "offers" and [t for t in page.items if negotiation.expire_thread(db.session, t)]:
        db.session.commit()  # offers past their validity show as expired (the due job does the rest)
    return render_template("trading/mine.html", tab=tab, tabs=TABS, page=page, org_ids=org_ids)


@bp.route("/deals/<int:deal_id>")
@login_required
def deal(deal_id: int) -> str | Response:
    d: Deal = get_or_404(Deal, deal_id)
    who = actor()
    if not (who.is_operator or access.org_ids_of(db.session, who) & {d.seller_org_id, d.buyer_org_id}):
        abort(403)
    if deals.settle(db.session, Actor.system("trading page read"), d):
        db.session.commit()
    return render_template("trading/deal.html", deal=d)


@bp.route("/console")
@login_required
def console() -> str:
    """The operator's trading console: sales to approve (or with competing buyers) and buyers to check."""
    who = actor()
    if not who.is_operator:
        abort(403)
    sales_page = paginate(db.session, queries.sales_to_review(), *paging("s"))
    regs_page = paginate(db.session, queries.registrations_to_check(), *paging("r"))
    return render_template("trading/console.html", sales_page=sales_page, regs_page=regs_page,
                           form=ReasonForm(formdata=None))


__all__ = ["bp", "views_offers", "views_sales"]
