"""Registration and the confirmation of an email address."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from techmarket.accounts import services
from techmarket.accounts.forms import (
    RegisterForm,
    ResendConfirmationForm,
)
from techmarket.accounts.models import User
from techmarket.accounts.tokens import make_token, read_token
from techmarket.accounts.views.common import Page, form_page
from techmarket.core.forms import submit
from techmarket.core.mail import send_mail
from techmarket.core.roles import Role
from techmarket.extensions import db, limiter


def send_confirmation(user: User) -> None:
    token = make_token("confirm", {"id": user.id, "email": user.email})
    link = url_for("accounts.confirm", token=token, _external=True)
    with force_locale(user.language):
        send_mail(user.email, _("Confirm your email address"), "confirm", user=user, link=link)


def _register_limit() -> str:
    return str(current_app.config["REGISTER_RATE_LIMIT"])


def _accepted(response: Response) -> bool:
    return response.status_code == 302


def send_already_registered(user: User) -> None:
    """Someone registered with an address that has an account: tell its owner, not the visitor."""
    with force_locale(user.language):
        send_mail(user.email, _("Someone tried to register with your email address"), "already_registered",
                  user=user, login=url_for("accounts.login", _external=True),
                  reset=url_for("accounts.forgot_password", _external=True))


@limiter.limit(_register_limit, methods=["POST"], deduct_when=_accepted)
def register() -> Page | Response:
    """A new address and a taken one get the same answer (no sign-in, the same message): only the mail
    differs, a confirmation link for a new account, a sign-in/reset note to the owner of an existing one."""
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        result = submit(form, services.sign_up, db.session, email=form.email.data, password=form.password.data,
                        name=form.name.data, language=form.language.data, role=Role(form.role.data))
        if result is not None:
            db.session.commit()
            if result.created:
                send_confirmation(result.user)
            elif result.user.active:
                send_already_registered(result.user)
            flash(_("Thank you. We sent a message to %(email)s: follow the link in it to confirm your address, "
                    "then sign in.", email=result.user.email), "success")
            return redirect(url_for("accounts.login"))
    return form_page("accounts/register.html", form)


def confirm(token: str) -> Response:
    data = read_token("confirm", token)
    if not isinstance(data, dict) or "id" not in data:
        flash(_("This confirmation link is not valid or has expired."), "danger")
        return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))
    services.confirm_email(db.session, int(data["id"]), str(data.get("email")))
    db.session.commit()
    flash(_("Your email address is confirmed."), "success")
    return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))


@login_required
@limiter.limit("5 per hour")
def resend_confirmation() -> Response:
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    if not current_user.is_confirmed:
        send_confirmation(current_user)
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("accounts.profile"))
