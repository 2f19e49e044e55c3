"""An organisation's webhooks page (owners): subscribe a URL to events, see the deliveries with the receiver's
answers, replay one, remove a subscription."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from techmarket.accounts.services import actor_for
from techmarket.core.db import get_or_not_found
from techmarket.core.errors import NotFound
from techmarket.core.forms import SafeForm, submit
from techmarket.extensions import db
from techmarket.orgs.models import Organisation
from techmarket.orgs.services import require_owner
from techmarket.webhooks import catalogue, services, tasks
from techmarket.webhooks.models import DELIVERY_STATUS_LABELS, WebhookDelivery, WebhookSubscription

bp = Blueprint("webhooks", __name__, url_prefix="/orgs/<int:org_id>/webhooks")


class SubscriptionForm(SafeForm):
    url = StringField(_l("Address (URL)"), validators=[DataRequired(), Length(max=500)],
                      description=_l("Your server's https address that receives the events."))
    event_types = SelectMultipleField(_l("Events"),
                                      choices=[SelectChoice(e.name, e.name) for e in catalogue.EVENT_TYPES],
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


def _org(org_id: int) -> Organisation:
    org = get_or_not_found(db.session, Organisation, org_id, _l("There is no such organisation."))
    require_owner(db.session, actor_for(current_user), org, staff_ok=False)
    return org


@bp.route("/", methods=["GET", "POST"])
@login_required
def index(org_id: int) -> str | Response:
    org = _org(org_id)
    form = SubscriptionForm()
    if form.validate_on_submit():
        sub = submit(form, services.subscribe, db.session, actor_for(current_user), org, form.url.data or "",
                     form.event_types.data or [],
                     allow_private=bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE")))
        if sub is not None:
            db.session.commit()
            flash(_l("Subscribed. Deliveries are signed with the secret shown beside the address."), "success")
            return redirect(url_for("webhooks.index", org_id=org.id))
    descriptions = {e.name: e.description for e in catalogue.EVENT_TYPES}
    return render_template("webhooks/index.html", org=org, form=form, descriptions=descriptions,
                           delivery_status=DELIVERY_STATUS_LABELS,
                           subs=services.of_organisation(db.session, org.id),
                           deliveries=services.recent_deliveries(db.session, org.id))


@bp.route("/<int:sub_id>/delete", methods=["POST"])
@login_required
def delete(org_id: int, sub_id: int) -> Response:
    org = _org(org_id)
    sub = db.session.get(WebhookSubscription, sub_id)
    if sub is None or sub.organisation_id != org.id:
        raise NotFound(_l("There is no such subscription."))
    services.unsubscribe(db.session, actor_for(current_user), sub)
    db.session.commit()
    return redirect(url_for("webhooks.index", org_id=org.id))


@bp.route("/deliveries/<int:delivery_id>/replay", methods=["POST"])
@login_required
def replay(org_id: int, delivery_id: int) -> Response:
    org = _org(org_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription.organisation_id != org.id:
        raise NotFound(_l("There is no such delivery."))
    services.replay(db.session, actor_for(current_user), delivery)
    db.session.commit()
    tasks.queue_delivery(delivery.id)
    flash(_l("The delivery was queued again."), "success")
    return redirect(url_for("webhooks.index", org_id=org.id))
