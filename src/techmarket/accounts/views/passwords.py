"""Forgotten and changed passwords."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_login.config import COOKIE_NAME
from werkzeug.wrappers import Response

from techmarket.accounts import services
from techmarket.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    ResetPasswordForm,
)
from techmarket.accounts.tokens import read_token
from techmarket.accounts.views.common import Page, form_page
from techmarket.accounts.views.sessions import sign_in
from techmarket.core.forms import submit
from techmarket.core.jobs import queue
from techmarket.extensions import db, limiter


def _reset_limit() -> str:
    return str(current_app.config["RESET_RATE_LIMIT"])


@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password() -> Page | Response:
    """The same answer, in the same time, whether or not the address has an account: the look-up and the mail
    (only to an active account) happen in a job queued for every address."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        queue().enqueue("techmarket.accounts.tasks.send_reset_link", email=form.email.data)
        flash(_("If an account exists for that address, we have sent it a link to reset the password."),
              "info")
        return redirect(url_for("accounts.login"))
    return form_page("accounts/forgot.html", form)


def reset_password(token: str) -> Page | Response:
    data = read_token("reset", token, max_age_hours=2)
    if not isinstance(data, dict) or "id" not in data:
        flash(_("This password reset link is not valid or has expired. Ask for a new one."), "danger")
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = submit(form, services.reset_password, db.session, int(data["id"]), str(data.get("fp")),
                      form.password.data)
        if user is not None:
            db.session.commit()
            flash(_("Your password is changed. Please sign in."), "success")
            return redirect(url_for("accounts.login"))
    return form_page("accounts/reset.html", form)


@login_required
def change_password() -> Page | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit() and submit(
        form, services.change_password, db.session, current_user, form.current_password.data,
        form.password.data,
    ) is None and not form.errors:
        # This browser stays signed in with a new sign-in (and a new remember-me cookie if it had one).
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies
        sign_in(current_user._get_current_object(), remember=remembered)
        db.session.commit()
        flash(_("Your password is changed. Other sessions are signed out."), "success")
        return redirect(url_for("accounts.profile"))
    return form_page("accounts/password.html", form)
