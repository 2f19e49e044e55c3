"""Sign-up, sign-in and account pages. Thin: parse, call a service, commit, render."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from techmarket.accounts import services
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


@bp.route("/register", methods=["GET", "POST"])
def register() -> Page | Response:
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        user = submit(form, services.register, db.session, email=form.email.data, password=form.password.data,
                      name=form.name.data, language=form.language.data, role=Role(form.role.data))
        if user is not None:
            db.session.commit()
            send_confirmation(user)
            login_user(user)
            session["lang"] = user.language
            flash(_("Welcome! We sent a confirmation link to %(email)s.", email=user.email), "success")
            return redirect(url_for("accounts.profile"))
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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> Page | Response:
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("Wrong email or password."))
        else:
            db.session.commit()
            session.clear()
            login_user(user, remember=form.remember.data)
            session["lang"] = user.language
            return redirect(safe_local_path(request.args.get("next")) or url_for("web.home"))
    return form_page("accounts/login.html", form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    if not ResendConfirmationForm().validate_on_submit():
        abort(400)
    lang = session.get("lang")
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember-me cookie
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "info")
    return redirect(url_for("web.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password() -> Page | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_by_email(db.session, form.email.data)
        if user is not None and user.active:
            token = make_token("reset", {"id": user.id, "fp": services.reset_fingerprint(user)})
            link = url_for("accounts.reset_password", token=token, _external=True)
            with force_locale(user.language):
                send_mail(user.email, _("Reset your password"), "reset", user=user, link=link)
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
    return form_page("accounts/profile.html", form, resend_form=ResendConfirmationForm())


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Page | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit() and submit(
        form, services.change_password, db.session, current_user, form.current_password.data,
        form.password.data,
    ) is None and not form.errors:
        db.session.commit()
        login_user(current_user._get_current_object())  # the session carries the new auth version
        flash(_("Your password is changed. Other sessions are signed out."), "success")
        return redirect(url_for("accounts.profile"))
    return form_page("accounts/password.html", form)
