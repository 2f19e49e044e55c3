"""Negotiation pages: making an offer on an achievement (also from an inquiry), the thread with its history and
the answers (accept, reject with a reason, counter-offer, withdraw, close)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from techmarket.core.forms import submit
from techmarket.extensions import db
from techmarket.listings.models import InquiryThread, Listing
from techmarket.trading import access, negotiation, queries
from techmarket.trading.blueprint import actor, bp, get_or_404
from techmarket.trading.constants import OfferStatus, ThreadStatus
from techmarket.trading.forms import OfferForm, ReasonForm, version_of
from techmarket.trading.models import Deal, Negotiation, Offer

Page = str | Response | tuple[str, int]


@bp.route("/listings/<int:listing_id>/offer", methods=["GET", "POST"])
@login_required
def make_offer(listing_id: int) -> Page:
    listing: Listing = get_or_404(Listing, listing_id)
    who = actor()
    negotiation.tradable(listing)
    orgs = [o for o in access.verified_orgs_of(db.session, who) if o.id != listing.organisation_id]
    inquiry_id = request.args.get("inquiry", type=int)
    inquiry = db.session.get(InquiryThread, inquiry_id) if inquiry_id else None
    if inquiry is not None and inquiry.listing_id != listing.id:
        inquiry = None
    existing = queries.threads_on(db.session, listing.id, {o.id for o in orgs})
    if request.method == "GET" and len(orgs) == 1 and existing:
        return redirect(url_for("trading.thread", thread_id=existing[0].id))  # one thread per buyer: go on there
    form = OfferForm().setup(listing, orgs)
    if inquiry is not None and not form.is_submitted():
        form.org_id.data = inquiry.organisation_id
    if form.validate_on_submit():
        offer = submit(form, negotiation.open_offer, db.session, who, listing, form.org_id.data, form.data_obj(),
                       inquiry=inquiry)
        if offer is not None:
            db.session.commit()
            flash(_("Your offer was sent."), "success")
            return redirect(url_for("trading.thread", thread_id=offer.negotiation_id))
    elif not orgs and request.method == "GET":
        access.buying_org(db.session, who, None, listing.organisation_id)  # the clear message: owner, unverified
    html = render_template("trading/offer_form.html", listing=listing, form=form, thread=None, counter_to=None)
    return (html, 400) if request.method == "POST" else html


def _thread_page(thread: Negotiation, form: OfferForm | None = None, reason_form: ReasonForm | None = None,
                 status: int = 200) -> Page:
    who = actor()
    side = negotiation.require_party(db.session, who, thread)
    current = thread.current
    waiting = current is not None and current.status == OfferStatus.PENDING
    html = render_template(
        "trading/thread.html", thread=thread, side=side, current=current, waiting=waiting,
        my_turn=waiting and side and current is not None and current.side != side,
        can_offer=thread.status == ThreadStatus.OPEN and not waiting and bool(side),
        form=form or OfferForm(formdata=None).setup(thread.listing),
        reason_form=reason_form or ReasonForm(formdata=None),
        deal=_deal_of(thread))
    return (html, status) if status != 200 else html


def _deal_of(thread: Negotiation) -> Deal | None:
    accepted = [o.id for o in thread.offers if o.status == OfferStatus.ACCEPTED]
    return db.session.scalar(select(Deal).where(Deal.offer_id == accepted[0])) if accepted else None


@bp.route("/threads/<int:thread_id>")
@login_required
def thread(thread_id: int) -> Page:
    t: Negotiation = get_or_404(Negotiation, thread_id)
    negotiation.require_party(db.session, actor(), t)
    if negotiation.expire_thread(db.session, t):
        db.session.commit()
    return _thread_page(t)


@bp.route("/threads/<int:thread_id>/offer", methods=["POST"])
@login_required
def offer_in_thread(thread_id: int) -> Page:
    t: Negotiation = get_or_404(Negotiation, thread_id)
    form = OfferForm().setup(t.listing)
    if form.validate_on_submit():
        offer = submit(form, negotiation.offer_in, db.session, actor(), t, form.data_obj())
        if offer is not None:
            db.session.commit()
            flash(_("Your offer was sent."), "success")
            return redirect(url_for("trading.thread", thread_id=t.id, _anchor=f"o{offer.seq}"))
    return _thread_page(t, form=form, status=400)


@bp.route("/offers/<int:offer_id>/<any(accept, reject, counter, withdraw):action>", methods=["POST"])
@login_required
def answer(offer_id: int, action: str) -> Page:
    offer: Offer = get_or_404(Offer, offer_id)
    t = offer.negotiation
    who = actor()
    if action == "counter":
        form = OfferForm().setup(t.listing)
        if form.validate_on_submit():
            new = submit(form, negotiation.counter, db.session, who, offer, form.data_obj(),
                         expected_version=version_of(form))
            if new is not None:
                db.session.commit()
                flash(_("Your counter-offer was sent."), "success")
                return redirect(url_for("trading.thread", thread_id=t.id, _anchor=f"o{new.seq}"))
        return _thread_page(t, form=form, status=400)
    reason_form = ReasonForm()
    if not reason_form.validate_on_submit():
        abort(400)
    version = version_of(reason_form)
    if action == "accept":
        deal = negotiation.accept(db.session, who, offer, expected_version=version)
        db.session.commit()
        flash(_("Offer accepted: the deal is made."), "success")
        return redirect(url_for("trading.deal", deal_id=deal.id))
    if action == "withdraw":
        negotiation.withdraw(db.session, who, offer, expected_version=version)
        db.session.commit()
        flash(_("Offer withdrawn."), "success")
        return redirect(url_for("trading.thread", thread_id=t.id))
    done = submit(reason_form, negotiation.reject, db.session, who, offer, reason_form.reason.data or "",
                  expected_version=version)
    if done:
        db.session.commit()
        flash(_("Offer rejected."), "success")
        return redirect(url_for("trading.thread", thread_id=t.id))
    return _thread_page(t, reason_form=reason_form, status=400)


@bp.route("/threads/<int:thread_id>/close", methods=["POST"])
@login_required
def close_thread(thread_id: int) -> Response:
    t: Negotiation = get_or_404(Negotiation, thread_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    negotiation.close(db.session, actor(), t, expected_version=version_of(form))
    db.session.commit()
    flash(_("The negotiation is closed."), "success")
    return redirect(url_for("trading.thread", thread_id=t.id))
