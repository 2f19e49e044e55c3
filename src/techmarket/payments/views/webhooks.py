"""Gateway webhooks: no session, no CSRF token (the signature is the proof), one unit of work per event."""

from __future__ import annotations

import logging

from flask import jsonify, request
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from techmarket.extensions import db
from techmarket.payments import webhooks
from techmarket.payments.gateway import BadSignature
from techmarket.payments.views.common import gateways

log = logging.getLogger(__name__)

MAX_BYTES = 256 * 1024


def _error(status: int, code: str, message: str) -> tuple[Response, int]:
    """The site's one JSON error shape (``{"error": {"status", "code", "message"}}``)."""
    return jsonify(error={"status": status, "code": code, "message": message}), status


def stripe() -> tuple[Response, int]:
    if not gateways().offers("stripe"):
        return _error(404, "not_found", "Stripe payments are not configured here.")
    payload = request.get_data(cache=False)[:MAX_BYTES + 1]
    if len(payload) > MAX_BYTES:
        return _error(413, "too_large", "The event is too large.")
    try:
        outcome = webhooks.receive(db.session, gateways().get("stripe"), payload,
                                   request.headers.get("Stripe-Signature", ""))
        db.session.commit()
    except BadSignature as exc:
        db.session.rollback()
        log.warning("stripe webhook refused: %s", exc)
        return _error(400, "bad_signature", "The Stripe-Signature header does not verify.")
    except IntegrityError:  # the same event applied by a concurrent delivery first
        db.session.rollback()
        outcome = "replay"
    return jsonify(received=True, outcome=outcome), 200
