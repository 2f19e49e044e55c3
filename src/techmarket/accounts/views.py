"""Sign-up, sign-in and account pages. Thin: parse, call a service, commit, render."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from techmarket.accounts import logins, services, throttle
from techmarket.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResendConfirmationForm,
    ResetPasswordForm,
)
from techmarket.accounts.models import User
from techmarket.accounts.tokens import make_token, read_token
from techmarket.core.forms import submit
from techmarket.core.jobs import queue
from techmarket.core.mail import send_mail
from techmarket.core.roles import Role
from techmarket.core.urls import safe_local_path
from techmarket.extensions import db, limiter

bp = Blueprint("accounts", __name__, url_prefix="/account")

Page = tuple[str, int]


def form_page(template: str, form: FlaskForm, **context: object) -> Page:
    """Render a form page; a form sent back with errors answers 400, so bad input is never a 200."""
    return render_template(template, form=form, **context), 400 if form.errors else 200


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


@bp.route("/register", methods=["GET", "POST"])
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


@bp.route("/confirm/<token>")
def confirm(token: str) -> Response:
    data = read_token("confirm", token)
    if not isinstance(data, dict) or "id" not in data:
        flash(_("This confirmation link is not valid or has expired."), "danger")
        return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))
    services.confirm_email(db.session, int(data["id"]), str(data.get("email")))
    db.session.commit()
    flash(_("Your email address is confirmed."), "success")
    return redirect(url_for("accounts.profile" if current_user.is_authenticated else "accounts.login"))


@bp.route("/confirm/resend", methods=["POST"])
@login_required
@limiter.limit("5 per hour")
def resend_confirmation() -> Response:
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    if not current_user.is_confirmed:
        send_confirmation(current_user)
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("accounts.profile"))


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


@bp.route("/login", methods=["GET", "POST"])
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


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        logins.end(db.session, current_user._get_current_object())  # copied cookies stop working too
        db.session.commit()
    return _end_browser_session(_("You are signed out."))


@bp.route("/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere() -> Response:
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    user = current_user._get_current_object()
    logins.sign_out_everywhere(db.session, services.actor_for(user), user)
    db.session.commit()
    return _end_browser_session(_("You are signed out on every device and browser."))


def _reset_limit() -> str:
    return str(current_app.config["RESET_RATE_LIMIT"])


@bp.route("/forgot", methods=["GET", "POST"])
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


@bp.route("/reset/<token>", methods=["GET", "POST"])
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


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile() -> Page | Response:
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit() and submit(
        form, services.update_profile, db.session, current_user, name=form.name.data,
        language=form.language.data,
    ) is None and not form.errors:
        db.session.commit()
        session["lang"] = form.language.data
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("accounts.profile"))
    return form_page("accounts/profile.html", form, resend_form=ResendConfirmationForm(),
                     signed_in_count=logins.active_count(db.session, current_user))


@bp.route("/password", methods=["GET", "POST"])
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
