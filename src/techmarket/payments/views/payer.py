"""The payer's pages: pay an instalment online, follow a payment, upload a bank receipt."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.contracts.models import Contract
from techmarket.contracts.services import can_view
from techmarket.core import uploads
from techmarket.core.forms import submit
from techmarket.extensions import db
from techmarket.payments import instalments, services
from techmarket.payments.forms import PayForm, ReceiptForm, TransferDecisionForm
from techmarket.payments.models import MarketPayment
from techmarket.payments.views.cards import card_context, page_csp, retry_context
from techmarket.payments.views.common import actor, gateways, max_bytes, visible_payment
from techmarket.trading.deposits import AuctionDeposit


@login_required
def pay_instalment(contract_id: int, instalment_id: int) -> Response:
    contract = db.session.get(Contract, contract_id)
    if contract is None or not can_view(db.session, actor(), contract):
        abort(404)
    form = PayForm()
    if not form.validate_on_submit():
        abort(400)
    method = form.method.data if gateways().offers(form.method.data or "") else gateways().default_name
    payment, _result = instalments.pay(db.session, actor(), gateways().get(method), contract, instalment_id,
                                       payment_method=form.payment_method.data or None)
    db.session.commit()
    tell(payment.status, payment.failure)
    return redirect(url_for("payments.detail", payment_id=payment.id))


def tell(status: str, failure: str = "") -> None:
    if status == "failed":
        flash(_("The payment did not go through: %(why)s", why=failure or _("declined")), "danger")
    elif status in {"succeeded", "authorised"}:
        flash(_("Payment received. Thank you."), "success")
    else:
        flash(_("The payment is waiting for you: follow the steps below."), "info")


def _auction_url(payment: MarketPayment) -> str | None:
    """A deposit's payment leads back to its auction."""
    if payment.purpose != "deposit":
        return None
    deposit = db.session.get(AuctionDeposit, payment.subject_id)
    return url_for("auctions.detail", auction_id=deposit.auction_id) if deposit is not None else None


@login_required
def detail(payment_id: int) -> Response:
    payment = visible_payment(payment_id)
    card = card_context(payment)
    resp = make_response(render_template(
        "payments/detail.html", payment=payment, receipt_form=ReceiptForm(), decision_form=TransferDecisionForm(),
        operator=actor().is_operator, is_payer=actor().user_id == payment.payer_id, card=card,
        retry=retry_context(payment), auction_url=_auction_url(payment)))
    if card and card["secret"]:  # the card form loads Stripe.js and its frames
        resp.headers["Content-Security-Policy"] = page_csp()
    return resp


@login_required
def upload_receipt(payment_id: int) -> Response | str:
    payment = visible_payment(payment_id)
    form = ReceiptForm()
    if form.validate_on_submit():
        upload = form.file.data
        if submit(form, services.upload_receipt, db.session, actor(), payment, upload.filename or "receipt",
                  upload.stream, instance_path=current_app.instance_path, max_bytes=max_bytes()) is not None:
            db.session.commit()
            flash(_("Receipt uploaded. The market operator will confirm the transfer."), "success")
            return redirect(url_for("payments.detail", payment_id=payment.id))
    return render_template("payments/detail.html", payment=payment, receipt_form=form,
                           decision_form=TransferDecisionForm(), operator=actor().is_operator,
                           is_payer=actor().user_id == payment.payer_id), 400  # type: ignore[return-value]


@login_required
def download_receipt(payment_id: int, receipt_id: int) -> Response:
    payment = visible_payment(payment_id)
    receipt = next((r for r in payment.receipts if r.id == receipt_id), None)
    if receipt is None:
        abort(404)
    return send_file(uploads.path_for(current_app.instance_path, receipt.sha256), mimetype=receipt.content_type,
                     as_attachment=True, download_name=receipt.filename)
