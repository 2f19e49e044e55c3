"""The signed-in user's profile."""

from __future__ import annotations

from flask import flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from techmarket.accounts import logins, services
from techmarket.accounts.forms import (
    ProfileForm,
    ResendConfirmationForm,
)
from techmarket.accounts.views.common import Page, form_page
from techmarket.core.forms import submit
from techmarket.extensions import db


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
