"""The owner's and the bidders' steps: ask for an auction (or relist after 流拍), withdraw it, register to bid,
bid."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.core.forms import submit
from techmarket.extensions import db
from techmarket.listings.models import Listing
from techmarket.trading import access
from techmarket.trading.auctions import bidding, services
from techmarket.trading.auctions.forms import AuctionForm, BidderForm, BidForm, local_naive, version_of
from techmarket.trading.auctions.views.common import actor, injected_now, now, status_snapshots, visible_auction
from techmarket.trading.auctions.views.public import render_detail
from techmarket.trading.terms import to_decimal

Page = str | Response | tuple[str, int] | tuple[Response, int]


def _form_page(listing: Listing, form: AuctionForm, auction: object | None = None) -> Page:
    html = render_template("auctions/form.html", listing=listing, form=form, auction=auction)
    return (html, 400) if request.method == "POST" else html


@login_required
def create(listing_id: int) -> Page:
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        abort(404)
    if listing.organisation_id not in access.org_ids_of(db.session, actor()):
        abort(403)
    form = AuctionForm().setup(listing)
    if not form.is_submitted():
        form.increment.data, form.deposit_amount.data = "", "0"
    if form.validate_on_submit():
        auction = submit(form, services.create, db.session, actor(), listing, form.data_obj(), now=now())
        if auction is not None:
            db.session.commit()
            flash(_("Sent to the operator for approval."), "success")
            return redirect(url_for("auctions.detail", auction_id=auction.id))
    return _form_page(listing, form)


@login_required
def relist(auction_id: int) -> Page:
    auction = visible_auction(auction_id)
    if auction.seller_org_id not in access.org_ids_of(db.session, actor()):
        abort(403)
    form = AuctionForm().setup(auction.listing)
    if not form.is_submitted():
        form.fill(auction)
        form.starts_at.data, form.free_ends_at.data = local_naive(auction.starts_at), local_naive(auction.free_ends_at)
    if form.validate_on_submit():
        done = submit(form, services.relist, db.session, actor(), auction, form.data_obj(), now=now(),
                      expected_version=version_of(form))
        if done is not None:
            db.session.commit()
            flash(_("Sent to the operator for approval."), "success")
            return redirect(url_for("auctions.detail", auction_id=auction.id))
    return _form_page(auction.listing, form, auction)


@login_required
def withdraw(auction_id: int) -> Response:
    auction = visible_auction(auction_id)
    services.withdraw(db.session, actor(), auction, expected_version=_version())
    db.session.commit()
    flash(_("The auction was withdrawn."), "success")
    return redirect(url_for("auctions.detail", auction_id=auction.id))


def _version() -> int | None:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return None


@login_required
def register(auction_id: int) -> Page:
    auction = visible_auction(auction_id)
    form = BidderForm()
    form.org_id.choices = []
    if form.validate_on_submit():
        done = submit(form, services.register, db.session, actor(), auction, form.org_id.data,
                      agreement=bool(form.agreement.data), now=now())
        if done is not None:
            db.session.commit()
            flash(_("Registered as a bidder. The operator checks your qualification; pay the deposit if one is "
                    "asked."), "success")
            return redirect(url_for("auctions.detail", auction_id=auction.id))
    return render_detail(auction, bidder_form=form, code=400)


@login_required
def bid(auction_id: int) -> Page:
    """One bid; the amount is typed or one of the quick-bid buttons (+1/+2/+5 increments). A client that asks
    for JSON (the page's script, the benchmark) gets 201 with the bid, or 400 with the refusal and, when it was
    refused by the rules, the current best bid as ``high`` (null while the bids are sealed)."""
    form = BidForm()
    amount = request.form.get("quick") or form.amount.data
    as_json = request.accept_mimetypes.best == "application/json"
    if form.validate_on_submit():
        placed = submit(form, bidding.place, db.session, actor(), auction_id, to_decimal(amount),
                        form.key.data or "", now=injected_now())
        if placed is not None:
            answer = {"bid": placed.bid.id, "amount": str(placed.bid.amount), "repeated": placed.repeated,
                      "extended": placed.extended}
            db.session.commit()
            status_snapshots().discard(auction_id)  # this worker's next poll shows the bid
            if as_json:
                return jsonify(answer), 201
            if placed.repeated:
                flash(_("This bid was already received; it counts once."), "info")
            elif placed.extended:
                flash(_("Bid received. It came in the last minutes, so the end moved later."), "success")
            else:
                flash(_("Bid received."), "success")
            return redirect(url_for("auctions.detail", auction_id=auction_id))
    db.session.rollback()
    if as_json:  # a refused bid carries the best bid it was judged against: the client bids again without a poll
        errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
        refusal = form.failure if isinstance(form.failure, bidding.BidRefused) else None
        return jsonify(error={"code": "validation_failed", "reason": refusal.code if refusal else None,
                              "fields": errors, "message": [str(m) for m in form.form_errors]},
                       high=str(refusal.high) if refusal and refusal.high is not None else None), 400
    return render_detail(visible_auction(auction_id), bid_form=form, code=400)
