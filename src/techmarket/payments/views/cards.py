"""The card form of a card payment (Stripe.js Elements in the payer's browser) and the step after it: the
browser posts back, the market asks the gateway and applies what it says; or the payer switches to a bank
transfer instead (the way without JavaScript)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.contracts.models import Contract
from techmarket.core import csp
from techmarket.core.forms import SafeForm
from techmarket.extensions import db
from techmarket.payments import cards, deposits, instalments, services
from techmarket.payments.models import MarketPayment
from techmarket.payments.views.common import actor, gateways, visible_payment
from techmarket.trading.deposits import AuctionDeposit

STRIPE_JS = "https://js.stripe.com"
STRIPE_JS_HOSTS = "https://*.js.stripe.com"
STRIPE_API = "https://api.stripe.com"
STRIPE_HOOKS = "https://hooks.stripe.com"


def js_url() -> str:
    return str(current_app.config.get("STRIPE_JS_URL") or "")


def page_csp() -> str:
    """The site's policy plus Stripe.js: its script, the frames of the card form and 3-D Secure, its API. The
    origins come from ``TECHMARKET_STRIPE_JS_URL`` (Stripe's own adds its API and 3-D Secure hosts)."""
    origin = csp.origin(js_url())
    if origin == STRIPE_JS:  # Stripe's security guide: its script and frames, 3-D Secure's frames, its API
        return csp.widened({"script-src": [STRIPE_JS, STRIPE_JS_HOSTS], "frame-src": [STRIPE_JS, STRIPE_JS_HOSTS,
                            STRIPE_HOOKS], "connect-src": [STRIPE_API]})
    extra = [origin] if origin else []
    return csp.widened({"script-src": extra, "frame-src": extra, "connect-src": extra})


def card_context(payment: MarketPayment) -> dict[str, Any] | None:
    """What the payment page needs for the card form, or None when the viewer is not paying a card now."""
    who = actor()
    if who.user_id != payment.payer_id or not cards.awaits_card(payment) or not gateways().offers(payment.gateway):
        return None
    key = str(current_app.config.get("STRIPE_PUBLISHABLE_KEY") or "")
    if not key or not js_url():
        return {"secret": None, "unconfigured": True}
    secret = cards.client_secret(who, gateways().get(payment.gateway), payment)
    locale = "zh" if str(get_locale() or "").startswith("zh") else "en"
    return {"secret": secret, "unconfigured": False, "key": key, "js_url": js_url(), "locale": locale}


def retry_context(payment: MarketPayment) -> bool:
    """Whether the payer may start again (a declined or abandoned card, the subject still unpaid)."""
    return (actor().user_id == payment.payer_id and payment.gateway == "stripe"
            and payment.status in {"failed", "cancelled"} and gateways().offers("stripe")
            and services.live_for(db.session, payment.purpose, payment.subject_id) is None)


def _posted_card_payment(payment_id: int) -> MarketPayment:
    """The payer's own card payment named by a posted form (CSRF checked), or 400/404."""
    payment = visible_payment(payment_id)
    if not SafeForm().validate_on_submit():
        abort(400)
    if payment.gateway != "stripe" or not gateways().offers("stripe"):
        abort(404)
    return payment


@login_required
def card_return(payment_id: int) -> Response:
    """After ``stripe.confirmCardPayment``: what the gateway says now, applied (a webhook may have been first)."""
    payment = _posted_card_payment(payment_id)
    cards.refresh(db.session, actor(), gateways().get("stripe"), payment)
    db.session.commit()
    if payment.status == "failed":
        flash(_("The card was not accepted and nothing was taken. Try another card, or pay by bank transfer."),
              "danger")
    elif payment.status in {"succeeded", "authorised"}:
        flash(_("Payment received. Thank you.") if payment.status == "succeeded"
              else _("The amount is held on your card. Thank you."), "success")
    return redirect(url_for("payments.detail", payment_id=payment.id))


@login_required
def switch_to_transfer(payment_id: int) -> Response:
    """Give up the card payment still waiting for a card and pay the same subject by bank transfer."""
    payment = _posted_card_payment(payment_id)
    cards.abandon(db.session, actor(), gateways().get("stripe"), payment)
    db.session.commit()  # the gateway has cancelled the intent: recorded now, whatever the transfer step meets
    offline = gateways().get("offline")
    if payment.purpose == "deposit":
        deposit = db.session.get(AuctionDeposit, payment.subject_id)
        if deposit is None:
            abort(404)
        started, _result = deposits.pay(db.session, actor(), offline, deposit)
    else:
        contract = db.session.get(Contract, payment.contract_id) if payment.contract_id else None
        if contract is None:
            abort(404)
        started, _result = instalments.pay(db.session, actor(), offline, contract, payment.subject_id)
    db.session.commit()
    flash(_("The card payment is cancelled. Pay by bank transfer as shown below."), "info")
    return redirect(url_for("payments.detail", payment_id=started.id))
