"""Deposits: a bidder pays its deposit; the operator gives deposits back (deadlines, overdue first) or forfeits
a winner's."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.core.clock import local_today
from techmarket.core.pagination import clamp, paginate
from techmarket.extensions import db
from techmarket.payments import deposits, queries
from techmarket.payments.forms import ForfeitForm, PayForm, RefundForm
from techmarket.payments.views.common import actor, gateways
from techmarket.payments.views.payer import tell
from techmarket.trading.deposits import AuctionDeposit


def _deposit(deposit_id: int) -> AuctionDeposit:
    deposit = db.session.get(AuctionDeposit, deposit_id)
    if deposit is None:
        abort(404)
    return deposit


@login_required
def pay(deposit_id: int) -> Response:
    deposit = _deposit(deposit_id)
    form = PayForm()
    if not form.validate_on_submit():
        abort(400)
    method = form.method.data if gateways().offers(form.method.data or "") else gateways().default_name
    payment, _result = deposits.pay(db.session, actor(), gateways().get(method), deposit,
                                    payment_method=form.payment_method.data or None)
    db.session.commit()
    tell(payment.status, payment.failure)
    return redirect(url_for("payments.detail", payment_id=payment.id))


@login_required
def deposits_console() -> str:
    per_page = clamp(1, request.args.get("per_page"), 20)[1]
    refund_page = clamp(request.args.get("page"), per_page)[0]
    applied_page = clamp(request.args.get("applied_page"), per_page)[0]
    return render_template(
        "payments/deposits.html", today=local_today(), refund_form=RefundForm(), forfeit_form=ForfeitForm(),
        refunds=paginate(db.session, queries.deposits_to_refund(actor()), refund_page, per_page),
        applied=paginate(db.session, queries.applied_deposits(actor()), applied_page, per_page),
        payment_of=lambda d: deposits.payment_of(db.session, d))


@login_required
def refund(deposit_id: int) -> Response:
    queries.require_operator(actor())
    deposit = _deposit(deposit_id)
    form = RefundForm()
    if not form.validate_on_submit():
        abort(400)
    deposits.give_back(db.session, actor(), gateways(), deposit, refund_reference=form.reference.data or "")
    db.session.commit()
    flash(_("Deposit refunded."), "success")
    return redirect(url_for("payments_admin.deposits_console"))


@login_required
def forfeit(deposit_id: int) -> Response:
    queries.require_operator(actor())
    deposit = _deposit(deposit_id)
    form = ForfeitForm()
    if not form.validate_on_submit():
        abort(400)
    deposits.forfeit(db.session, actor(), gateways(), deposit, reason=form.reason.data or "")
    db.session.commit()
    flash(_("Deposit forfeited."), "success")
    return redirect(url_for("payments_admin.deposits_console"))
