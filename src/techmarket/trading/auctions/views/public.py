"""Pages anyone may read: the list of auctions, an auction with its countdown, bids and result, the status the
page polls, the confirmation PDF for the parties, and the objection form of the 成交公示."""

from __future__ import annotations

import json
import uuid

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.core.forms import submit
from techmarket.core.pagination import clamp, paginate
from techmarket.extensions import db
from techmarket.trading import access, deposits
from techmarket.trading.auctions import confirmation_pdf, queries, results, services
from techmarket.trading.auctions.constants import AuctionStatus, BidderStatus
from techmarket.trading.auctions.forms import BidderForm, BidForm, ObjectionForm
from techmarket.trading.auctions.models import Auction, AuctionBidder
from techmarket.trading.auctions.views.common import actor, now, status_snapshots, visible_auction

Page = str | Response | tuple[str, int]


def _paging() -> tuple[int, int]:
    return clamp(request.args.get("page"), request.args.get("per_page"), int(current_app.config.get("PER_PAGE", 20)))


def index() -> str:
    status = request.args.get("status") or None
    if status not in (None, *queries.PUBLIC):
        status = None
    page = paginate(db.session, queries.public_list(status), *_paging())
    return render_template("auctions/index.html", page=page, status=status, statuses=queries.PUBLIC)


def render_detail(auction: Auction, *, bid_form: BidForm | None = None, bidder_form: BidderForm | None = None,
                  objection_form: ObjectionForm | None = None, code: int = 200) -> Page:
    who = actor()
    mine = access.org_ids_of(db.session, who)
    owner = auction.seller_org_id in mine
    me: AuctionBidder | None = services.bidder_of(db.session, who, auction)
    deposit = deposits.deposit_for(db.session, auction, me.organisation_id) if me is not None else None
    buyer_orgs = [o for o in access.verified_orgs_of(db.session, who) if o.id != auction.seller_org_id]
    if bidder_form is None:
        bidder_form = BidderForm(formdata=None)
    bidder_form.org_id.choices = [(o.id, o.name) for o in buyer_orgs]
    if bid_form is None:
        bid_form = BidForm(formdata=None)
    bid_form.key.data = uuid.uuid4().hex  # a fresh key per page: a double click sends the same one twice
    page_no, per_page = _paging()
    bids = paginate(db.session, queries.bids_of(auction), page_no, per_page) \
        if queries.bid_history_visible(auction) else None
    pseudonyms = {b.id: b for b in auction.bidders}
    state = queries.status(db.session, auction, now())
    html = render_template(
        "auctions/detail.html", auction=auction, owner=owner, operator=who.is_operator, me=me, deposit=deposit,
        bid_form=bid_form, bidder_form=bidder_form, objection_form=objection_form or ObjectionForm(formdata=None),
        bids=bids, bidders=pseudonyms, names_visible=queries.names_visible(auction), state=state,
        quick=queries.quick_bids(auction) if auction.status == AuctionStatus.OPEN else [],
        may_register=(auction.status in (AuctionStatus.SCHEDULED, AuctionStatus.OPEN) and bool(buyer_orgs)
                      and (me is None or me.agreement_accepted_at is None)),
        may_bid=(me is not None and me.status == BidderStatus.QUALIFIED and me.agreement_accepted_at is not None
                 and auction.status == AuctionStatus.OPEN),
        signed_in=who.user_id is not None, server_time=now(),
        deal=queries.deal_of(db.session, auction) if (owner or who.is_operator or (
            me is not None and me.id == auction.winner_bidder_id)) else None)
    return (html, code) if code != 200 else html


def detail(auction_id: int) -> Page:
    return render_detail(visible_auction(auction_id))


def status(auction_id: int) -> Response:
    """The small JSON the page polls; answers 304 while nothing changed (ETag). A running auction's status is
    reused for a moment (:func:`status_snapshots`), never past its start or end: a read then moves it on."""
    current = now()
    snapshots = status_snapshots()
    hit = snapshots.get(auction_id)
    if hit is not None and current < hit[1]:
        body = hit[0]
    else:
        auction = visible_auction(auction_id)
        body = queries.status(db.session, auction, current)
        turn = auction.starts_at if auction.status == AuctionStatus.SCHEDULED else \
            auction.ends_at if auction.status == AuctionStatus.OPEN else None
        if turn is not None:
            snapshots.set(auction_id, (body, turn))
    etag = body["etag"]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(json.dumps(body | {"server_time": current.isoformat()}, ensure_ascii=False),
                            mimetype="application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@login_required
def confirmation(auction_id: int) -> Response:
    auction = visible_auction(auction_id)
    facts = results.confirmation(db.session, actor(), auction)
    data = confirmation_pdf.pdf(facts, current_app.config)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="auction-{auction.id}-confirmation.pdf"'})


@login_required
def object_to(auction_id: int) -> Page:
    auction = visible_auction(auction_id)
    form = ObjectionForm()
    if form.validate_on_submit():
        done = submit(form, results.object_to, db.session, actor(), auction, form.text.data or "")
        if done is not None:
            db.session.commit()
            flash(_("Your objection was sent to the operator."), "success")
            return redirect(url_for("auctions.detail", auction_id=auction.id))
    return render_detail(auction, objection_form=form, code=400)
