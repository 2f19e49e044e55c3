"""Broker pages: the public registry and a broker's record; the operator files brokers and attributes contracts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from techmarket.accounts.models import User
from techmarket.contracts.views.common import actor, paging
from techmarket.core.errors import PermissionDenied
from techmarket.core.forms import submit
from techmarket.core.pagination import paginate
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.incentives.brokers import services
from techmarket.incentives.brokers.forms import LEVEL_LABELS, AttributeForm, BrokerForm
from techmarket.listings.constants import FIELDS
from techmarket.orgs.models import Division, Organisation


def _prefectures() -> list[Division]:
    return list(db.session.scalars(select(Division).where(Division.level == "prefecture").order_by(Division.code)))


def registry() -> str:
    prefecture = (request.args.get("prefecture") or "").strip()[:6] or None
    page = paginate(db.session, services.registry(prefecture), *paging())
    return render_template("brokers/registry.html", page=page, prefectures=_prefectures(), prefecture=prefecture,
                           levels=LEVEL_LABELS, field_labels=FIELDS)


def detail(broker_id: int) -> str:
    broker = services.get(db.session, broker_id)
    page = paginate(db.session, services.deals(broker), *paging())
    form = AttributeForm(formdata=None) if actor().has(Role.OPERATOR) else None
    return render_template("brokers/detail.html", broker=broker, page=page, record=services.record(db.session, broker),
                           levels=LEVEL_LABELS, field_labels=FIELDS, form=form)


@login_required
def create() -> str | Response | tuple[str, int]:
    if not actor().has(Role.OPERATOR):
        raise PermissionDenied(_("Only the market operator files brokers and attributes contracts to them."))
    form = BrokerForm()
    form.prefecture_code.choices = [SelectChoice(d.code, d.label) for d in _prefectures()]
    agencies = db.session.scalars(select(Organisation).where(Organisation.org_type == "transfer_agency")
                                  .order_by(Organisation.name).limit(500))
    form.organisation_id.choices = [SelectChoice(0, "—"), *(SelectChoice(o.id, o.name) for o in agencies)]
    form.fields.choices = [SelectChoice(k, v) for k, v in FIELDS.items()]
    if form.validate_on_submit():
        user = None
        if form.email.data:
            user = db.session.scalar(select(User).where(User.email == form.email.data.lower()))
            if user is None:
                form.email.errors = [*form.email.errors, _("No user with this email address.")]
        if not form.email.errors:
            data = services.BrokerData(
                name=form.name.data or "", credential_no=form.credential_no.data or "",
                credential_level=form.credential_level.data or "", prefecture_code=form.prefecture_code.data or "",
                fields=tuple(form.fields.data or ()), organisation_id=form.organisation_id.data or None,
                user_id=user.id if user else None, bio=form.bio.data or "")
            broker = submit(form, services.register, db.session, actor(), data)
            if broker is not None:
                db.session.commit()
                flash(_("The broker was filed."), "success")
                return redirect(url_for("brokers.detail", broker_id=broker.id))
    status = 400 if request.method == "POST" else 200
    return render_template("brokers/new.html", form=form), status


@login_required
def attribute(broker_id: int) -> Response:
    broker = services.get(db.session, broker_id)
    form = AttributeForm()
    try:
        share = Decimal(form.share.data or "")
    except InvalidOperation:
        share = Decimal(-1)
    if form.validate_on_submit() and submit(form, services.attribute, db.session, actor(), broker,
                                            form.registration_number.data or "", share):
        db.session.commit()
        flash(_("The contract was attributed to the broker with the reward computed."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "danger")
        for message in form.form_errors:
            flash(str(message), "danger")
    return redirect(url_for("brokers.detail", broker_id=broker.id))
