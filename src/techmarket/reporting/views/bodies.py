"""The register of platforms and bodies (operator CRUD, staff read) and the page of the 2025 targets."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.core.clock import local_today
from techmarket.core.forms import submit
from techmarket.core.pagination import paginate
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.reporting import bodies as service
from techmarket.reporting import queries
from techmarket.reporting.catalogue import AWARDS, KINDS, LEVELS, targets
from techmarket.reporting.forms import BodyForm
from techmarket.reporting.views.common import actor, paging, require_operator, require_staff


def _choice(name: str, allowed: object) -> str | None:
    value = (request.args.get(name) or "").strip()
    return value if value in allowed else None  # type: ignore[operator]


@login_required
def index() -> str:
    who = actor()
    require_staff(who)
    codes = {d.code: d.label for d in queries.prefectures(db.session)}
    kind, level, area = _choice("kind", KINDS), _choice("level", LEVELS), _choice("area", codes)
    page = paginate(db.session, service.listing(kind, level, area), *paging())
    return render_template("reporting/bodies.html", page=page, kind=kind, level=level, area=area,
                           prefectures=codes, can_edit=who.has(Role.OPERATOR), kinds=KINDS, levels=LEVELS)


def _form() -> BodyForm:
    return BodyForm().with_prefectures(queries.prefectures(db.session))


@login_required
def create() -> str | Response:
    who = actor()
    require_operator(who)
    form = _form()
    if form.validate_on_submit():
        body = submit(form, service.create, db.session, who, form.data_of(), local_today())
        if body is not None:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("reporting_admin.body", body_id=body.id))
    return render_template("reporting/body_form.html", form=form, body=None)


@login_required
def edit(body_id: int) -> str | Response:
    who = actor()
    require_operator(who)
    body = service.get(db.session, who, body_id)
    form = _form()
    if not form.is_submitted():
        form.process(obj=body)
        form.with_prefectures(queries.prefectures(db.session))
        form.prefecture_code.data = body.prefecture_code or ""
    if form.validate_on_submit():
        expected = int(form.version.data) if (form.version.data or "").isdigit() else None
        saved = submit(form, service.update, db.session, who, body, form.data_of(), local_today(),
                       expected_version=expected)
        if saved is not None:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("reporting_admin.body", body_id=body.id))
    return render_template("reporting/body_form.html", form=form, body=body)


@login_required
def body(body_id: int) -> str:
    who = actor()
    item = service.get(db.session, who, body_id)
    return render_template("reporting/body.html", body=item, award=service.award(db.session, item),
                           kinds=KINDS, levels=LEVELS, can_edit=who.has(Role.OPERATOR))


@login_required
def delete(body_id: int) -> Response:
    who = actor()
    require_operator(who)
    service.delete(db.session, who, service.get(db.session, who, body_id))
    db.session.commit()
    flash(_("Removed from the register."), "success")
    return redirect(url_for("reporting_admin.bodies"))


@login_required
def target_page() -> str:
    require_staff(actor())
    plan = targets()
    this_year = local_today().year
    years = list(range(2020, max(plan.year, this_year) + 1))
    return render_template("reporting/targets.html", plan=plan, rows=service.progress(db.session, years),
                           years=years, this_year=min(this_year, plan.year), kinds=KINDS, levels=LEVELS,
                           awards=AWARDS)
