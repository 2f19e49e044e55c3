"""What the payment pages share: who is looking, the gateways, and loading a payment the viewer may see."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_login import current_user

from techmarket.accounts.services import actor_for
from techmarket.core.actor import ANONYMOUS, Actor
from techmarket.core.components import component
from techmarket.core.pagination import clamp
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.payments.components import Gateways
from techmarket.payments.models import MarketPayment


def actor() -> Actor:
    return actor_for(current_user) if current_user.is_authenticated else ANONYMOUS


def gateways() -> Gateways:
    return component(Gateways)


def paging() -> tuple[int, int]:
    return clamp(request.args.get("page"), request.args.get("per_page"), int(current_app.config.get("PER_PAGE", 20)))


def max_bytes() -> int:
    return int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024


def visible_payment(payment_id: int) -> MarketPayment:
    """The payment if the viewer paid it or is the operator; 404 otherwise (a stranger learns nothing)."""
    payment = db.session.get(MarketPayment, payment_id)
    who = actor()
    if payment is None or not (who.has(Role.OPERATOR) or (who.user_id is not None and who.user_id == payment.payer_id)):
        abort(404)
    return payment
