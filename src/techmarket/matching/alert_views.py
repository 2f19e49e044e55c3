"""Subscription pages: the settings page, the subscribe buttons' targets, a digest, and one-click unsubscribe."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.wrappers import Response

from techmarket.core.pagination import clamp, paginate
from techmarket.core.urls import safe_local_path
from techmarket.extensions import csrf, db
from techmarket.listings.blueprint import actor
from techmarket.matching import subscriptions
from techmarket.matching.alert_tasks import read_unsubscribe_token
from techmarket.matching.alerts import digest_items
from techmarket.matching.describe import describe
from techmarket.matching.forms import FREQUENCY_LABELS, FollowForm, FrequencyForm
from techmarket.matching.models import FIELD, ORG, REGION, Subscription

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


def _back(form: FrequencyForm) -> Response:
    return redirect(safe_local_path(form.next.data) or url_for("alerts.index"))


@bp.app_template_global("follow_button")
def follow_button(kind: str, target: object, label: str = "") -> Markup:
    """A follow button (with the frequency) for a field, a 盟市 or an organisation; its state for the user."""
    if not current_user.is_authenticated:
        return Markup("")
    existing = subscriptions.following(db.session, current_user.id, kind, str(target))
    form = FollowForm(formdata=None, kind=kind, target=str(target),
                      frequency=existing.frequency if existing else "daily")
    html = render_template("matching/_follow.html", form=form, existing=existing, label=label,
                           next=request.full_path.rstrip("?"))
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


@bp.route("/")
@login_required
def index() -> str:
    page = paginate(db.session, subscriptions.of_user(current_user.id),
                    *clamp(request.args.get("page"), request.args.get("per_page"),
                           int(current_app.config.get("PER_PAGE", 20))))
    forms = {s.id: FrequencyForm(formdata=None, frequency=s.frequency, prefix=f"s{s.id}") for s in page.items}
    return render_template("matching/alerts.html", page=page, forms=forms, describe=describe,
                           labels=FREQUENCY_LABELS, kinds=_kind_labels())


def _kind_labels() -> dict[str, str]:
    return {"search": _("Saved search"), FIELD: _("Field"), REGION: _("League or city (盟市)"),
            ORG: _("Organisation"), "demand": _("Matches for my demand")}


@bp.route("/<int:subscription_id>/frequency", methods=["POST"])
@login_required
def frequency(subscription_id: int) -> Response:
    form = FrequencyForm(prefix=f"s{subscription_id}")
    if not form.validate_on_submit():
        abort(400)
    subscriptions.set_frequency(db.session, actor(), subscription_id, form.frequency.data)
    db.session.commit()
    flash(_("Saved: you will hear about it %(how)s.", how=str(FREQUENCY_LABELS[form.frequency.data]).lower()),
          "success")
    return _back(form)


@bp.route("/<int:subscription_id>/delete", methods=["POST"])
@login_required
def delete(subscription_id: int) -> Response:
    form = FrequencyForm(prefix=f"s{subscription_id}")
    if not form.validate_on_submit():
        abort(400)
    subscriptions.remove(db.session, actor(), subscription_id)
    db.session.commit()
    flash(_("The subscription was deleted."), "info")
    return _back(form)


@bp.route("/search", methods=["POST"])
@login_required
def save_search() -> Response:
    """The search page's "save this search" button: its hidden fields repeat the page's query and filters."""
    form = FrequencyForm()
    if not form.validate_on_submit():
        abort(400)
    args = [(name, value) for name in subscriptions.SEARCH_ARGS for value in request.form.getlist(name)]
    subscriptions.save_search(db.session, actor(), args, frequency=form.frequency.data)
    db.session.commit()
    flash(_("Search saved: new listings that match it will be sent to you (%(how)s).",
            how=str(FREQUENCY_LABELS[form.frequency.data]).lower()), "success")
    return _back(form)


@bp.route("/follow", methods=["POST"])
@login_required
def follow() -> Response:
    form = FollowForm()
    if not form.validate_on_submit():
        abort(400)
    subscriptions.follow(db.session, actor(), form.kind.data, form.target.data, frequency=form.frequency.data)
    db.session.commit()
    flash(_("Followed: new listings will be sent to you (%(how)s).",
            how=str(FREQUENCY_LABELS[form.frequency.data]).lower()), "success")
    return _back(form)


@bp.route("/digests/<int:digest_id>")
@login_required
def digest(digest_id: int) -> str:
    found = digest_items(db.session, current_user.id, digest_id)
    if found is None:
        abort(404)
    digest, rows = found
    why = {s.id: describe(s) for s in subscriptions.listed(db.session, current_user.id,
                                                            sorted({r.subscription_id for r in rows
                                                                    if r.subscription_id}))}
    return render_template("matching/digest.html", digest=digest, rows=rows, why=why)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail programs POST here (RFC 8058 one-click) without a form
def unsubscribe(token: str) -> str | tuple[str, int]:
    """GET: what the link would stop, and a button; POST: stop it. No sign-in needed."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render_template("matching/unsubscribe.html", invalid=True, rows=[], done=False), 400
    user_id, ids = found
    rows: list[Subscription] = subscriptions.listed(db.session, user_id, ids)
    if request.method == "POST":
        subscriptions.unsubscribe(db.session, user_id, ids)
        db.session.commit()
        return render_template("matching/unsubscribe.html", invalid=False, rows=rows, done=True,
                               describe=describe)
    return render_template("matching/unsubscribe.html", invalid=False, rows=rows, done=False, describe=describe)
