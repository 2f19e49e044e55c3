"""The operator's pages: the console (auctions to approve, bidders to check, refunds due, objections) and one
auction's operator page (approve or refuse, qualify bidders, deposits received offline, refunds, forfeiture,
objections)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from techmarket.core.db import get_or_not_found
from techmarket.core.pagination import clamp, paginate
from techmarket.extensions import db
from techmarket.trading import access, deposits
from techmarket.trading.auctions import queries, results, services
from techmarket.trading.auctions.forms import ReasonForm, SecureForm
from techmarket.trading.auctions.models import AuctionDeposit
from techmarket.trading.auctions.views.common import actor, now, visible_auction


def _operator() -> None:
    if not actor().is_operator:
        abort(403)


def _paging(prefix: str) -> tuple[int, int]:
    return clamp(request.args.get(f"{prefix}page"), request.args.get("per_page"),
                 int(current_app.config.get("PER_PAGE", 20)))


def _version() -> int | None:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return None


def _back(auction_id: int) -> Response:
    if request.form.get("next") == "console":
        return redirect(url_for("auctions.console"))
    return redirect(url_for("auctions.operate", auction_id=auction_id))


@login_required
def console() -> str:
    _operator()
    today = now().date()
    return render_template(
        "auctions/console.html", drafts=paginate(db.session, queries.to_approve(), *_paging("a")),
        bidders=paginate(db.session, queries.bidders_to_check(), *_paging("b")),
        objections=paginate(db.session, queries.objections_to_decide(), *_paging("o")),
        refunds=paginate(db.session, queries.refunds_due(), *_paging("d")), today=today, form=ReasonForm(formdata=None))


@login_required
def operate(auction_id: int) -> str:
    _operator()
    auction = visible_auction(auction_id)
    held = db.session.scalars(select(AuctionDeposit).where(AuctionDeposit.auction_id == auction.id)
                              .order_by(AuctionDeposit.id)).all()
    problems = {b.id: access.org_problems(db.session, b.organisation_id, auction.seller_org_id,
                                          auction.related_codes) for b in auction.bidders}
    objections = db.session.scalars(select(results.Objection).where(results.Objection.auction_id == auction.id)
                                    .order_by(results.Objection.id)).all()
    return render_template("auctions/operate.html", auction=auction, deposits=held, problems=problems,
                           objections=objections, form=ReasonForm(formdata=None), secure_form=SecureForm(formdata=None),
                           by_bidder={d.bidder_id: d for d in held}, today=now().date())


@login_required
def decide(auction_id: int, action: str) -> Response:
    _operator()
    auction = visible_auction(auction_id, refresh=False)
    if action == "approve":
        services.approve(db.session, actor(), auction, expected_version=_version())
        flash(_("Approved: bidders may register."), "success")
    else:
        services.refuse(db.session, actor(), auction, request.form.get("reason", ""), expected_version=_version())
        flash(_("Refused."), "success")
    db.session.commit()
    return _back(auction.id)


@login_required
def decide_bidder(bidder_id: int, action: str) -> Response:
    _operator()
    bidder = services.get_bidder(db.session, bidder_id)
    if action == "qualify":
        services.qualify(db.session, actor(), bidder, expected_version=_version())
    else:
        services.refuse_bidder(db.session, actor(), bidder, request.form.get("reason", ""),
                               expected_version=_version())
    db.session.commit()
    flash(_("Decision recorded."), "success")
    return _back(bidder.auction_id)


@login_required
def deposit(deposit_id: int, action: str) -> Response:
    """secure: the bank transfer arrived (offline path, reference required); refund: the money went back;
    forfeit: the winner walked away (reason required)."""
    _operator()
    held = get_or_not_found(db.session, AuctionDeposit, deposit_id, _("No such deposit."))
    reference = request.form.get("reference", "")
    if action == "secure":
        deposits.secure(db.session, actor(), held, gateway="offline", reference=reference)
    elif action == "refund":
        deposits.record_refund(db.session, actor(), held, reference=reference)
    else:
        deposits.forfeit(db.session, actor(), held, reason=request.form.get("reason", ""))
    db.session.commit()
    flash(_("Deposit updated."), "success")
    return _back(held.auction_id)


@login_required
def decide_objection(objection_id: int, action: str) -> Response:
    _operator()
    objection = services.get_objection(db.session, objection_id)
    results.decide(db.session, actor(), objection, action, request.form.get("reason", ""),
                   expected_version=_version())
    db.session.commit()
    flash(_("Decision recorded."), "success")
    return _back(objection.auction_id)
