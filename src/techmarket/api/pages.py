"""The account page's API tokens: make one (its secret shown once), see when each was last used, revoke."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from techmarket.accounts.api_tokens import SCOPES, ApiToken
from techmarket.accounts.services import actor_for
from techmarket.api import tokens
from techmarket.core.db import get_or_not_found
from techmarket.core.forms import SafeForm, submit
from techmarket.extensions import db
from techmarket.listings.forms import CheckboxListField

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")

DAYS = [SelectChoice("30", _l("30 days")), SelectChoice("90", _l("90 days")), SelectChoice("366", _l("a year")),
        SelectChoice("", _l("no expiry"))]
#: What each scope lets the token do, shown beside its checkbox.
SCOPE_DESCRIPTIONS = {
    "read": _l("Read what the token's owner may see: listings, organisations, calls, auctions."),
    "listings:write": _l("Post and change the organisation's listings."),
    "inquiries:read": _l("Read the inquiries about the organisation's listings."),
    "contracts:read": _l("Read the organisation's contracts and their registration."),
    "webhooks:write": _l("Subscribe the organisation's systems to events (webhooks)."),
    "claims:read": _l("Read the organisation's subsidy claims."),
    "auctions:bid": _l("Bid in auctions for the organisation."),
    "calls:apply": _l("Apply to calls (揭榜挂帅) for the organisation."),
}


class TokenForm(SafeForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("Where the token is used, such as “ERP sync”."))
    scopes = CheckboxListField(_l("Scopes"), choices=[SelectChoice(s, s) for s in SCOPES], default=["read"])
    days = SelectField(_l("Expires after"), choices=DAYS, default="90")
    organisation = SelectField(_l("Acts for"), choices=[], default="")


def _form() -> TokenForm:
    form = TokenForm()
    orgs = tokens.member_organisations(db.session, current_user.id)
    form.organisation.choices = [SelectChoice("", str(_l("me (a personal token)"))),
                                 *(SelectChoice(str(o.id), o.name) for o in orgs)]
    return form


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> str:
    form = _form()
    secret = None
    if form.validate_on_submit():
        org_id = int(form.organisation.data) if form.organisation.data else None
        orgs = {o.id: o for o in tokens.member_organisations(db.session, current_user.id)}
        made = submit(form, tokens.create, db.session, actor_for(current_user), current_user,
                      name=form.name.data or "", scopes=form.scopes.data or [],
                      days=int(form.days.data) if form.days.data else None, organisation=orgs.get(org_id or 0))
        if made is not None:
            db.session.commit()
            secret = made[1]
            form = _form()
    return render_template("api/tokens.html", form=form, secret=secret, scope_descriptions=SCOPE_DESCRIPTIONS,
                           rows=tokens.of_user(db.session, current_user.id))


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int) -> Response:
    token = get_or_not_found(db.session, ApiToken, token_id, _l("There is no such token."))
    tokens.revoke(db.session, actor_for(current_user), token)
    db.session.commit()
    flash(_l("The token was revoked."), "success")
    return redirect(url_for("api_tokens.index"))
