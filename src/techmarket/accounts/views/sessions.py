"""Signing in and out (one browser, or everywhere)."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from techmarket.accounts import logins, services, throttle
from techmarket.accounts.forms import (
    LoginForm,
    ResendConfirmationForm,
)
from techmarket.accounts.models import User
from techmarket.accounts.views.common import Page, form_page
from techmarket.core.urls import safe_local_path
from techmarket.extensions import db, limiter


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _lockout_policy() -> throttle.Policy:
    cfg = current_app.config
    return throttle.Policy(after=int(cfg["LOGIN_LOCKOUT_AFTER"]), base=int(cfg["LOGIN_LOCKOUT_SECONDS"]),
                           cap=int(cfg["LOGIN_LOCKOUT_MAX_SECONDS"]))


def sign_in(user: User, remember: bool = False) -> None:
    """Start a revocable sign-in for this browser (the caller commits)."""
    logins.start(db.session, user, dt.timedelta(days=int(current_app.config["LOGIN_DAYS"])))
    login_user(user, remember=remember)


@limiter.limit(_login_limit, methods=["POST"])
def login() -> Page | Response:
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = services.authenticate(db.session, form.email.data, form.password.data, _lockout_policy())
        if attempt.user is None:
            db.session.commit()  # the failure counts, whichever worker sees the next attempt
            if attempt.checked:
                form.form_errors.append(_("Wrong email or password."))
            if attempt.retry_after:
                wait = format_timedelta(dt.timedelta(seconds=attempt.retry_after), threshold=1.0)
                form.form_errors.append(_("Too many failed sign-ins with this email address. Try again in "
                                          "%(wait)s, or reset your password.", wait=wait))
                page = render_template("accounts/login.html", form=form)
                return page, 429, {"Retry-After": str(attempt.retry_after)}  # type: ignore[return-value]
        else:
            session.clear()
            sign_in(attempt.user, remember=bool(form.remember.data))
            db.session.commit()
            session["lang"] = attempt.user.language
            return redirect(safe_local_path(request.args.get("next")) or url_for("web.home"))
    return form_page("accounts/login.html", form)


def _end_browser_session(message: str) -> Response:
    lang = session.get("lang")
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember-me cookie
    if lang:
        session["lang"] = lang
    flash(message, "info")
    return redirect(url_for("web.home"))


def logout() -> Response:
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        logins.end(db.session, current_user._get_current_object())  # copied cookies stop working too
        db.session.commit()
    return _end_browser_session(_("You are signed out."))


@login_required
def sign_out_everywhere() -> Response:
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    logins.sign_out_everywhere(db.session, services.actor_for(user), user)
    db.session.commit()
    return _end_browser_session(_("You are signed out on every device and browser."))
