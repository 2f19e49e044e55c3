"""Background jobs of the accounts domain."""

from __future__ import annotations

from contextlib import nullcontext

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from techmarket.accounts import services
from techmarket.accounts.tokens import make_token
from techmarket.core.mail import send_mail
from techmarket.extensions import db


def send_reset_link(email: str) -> bool:
    """Mail a password reset link when ``email`` belongs to an active account; whether one was sent.

    Queued by the reset request for every address, so the request does the same work (and takes the same
    time) whether or not the account exists; the look-up happens here.
    """
    user = services.find_by_email(db.session, email)
    if user is None or not user.active:
        return False
    # In a worker there is no request: links use the site's public address.
    context = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=current_app.config["BASE_URL"])
    with context:
        token = make_token("reset", {"id": user.id, "fp": services.reset_fingerprint(user)})
        link = url_for("accounts.reset_password", token=token, _external=True)
        with force_locale(user.language):
            send_mail(user.email, _("Reset your password"), "reset", user=user, link=link)
    return True
