"""The project page after the award: milestones, delivery, acceptance, diligence review, funding and releases."""

from __future__ import annotations

from flask import abort, current_app, render_template, request, send_file, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.challenges import access, project
from techmarket.challenges.constants import TARGET_RESULTS
from techmarket.challenges.forms import ActionForm
from techmarket.challenges.models import Application, Milestone, Transfer
from techmarket.challenges.views.common import actor, form_version, get_or_404, run
from techmarket.core import uploads
from techmarket.core.inputs import strip_control
from techmarket.core.roles import Role
from techmarket.extensions import db

DONE = {"deliver": _l("Delivered: the poster is told."), "accept": _l("Decision recorded."),
        "reject": _l("Decision recorded."), "expert_pass": _l("Acceptance recorded."),
        "expert_fail": _l("Acceptance recorded."), "ask_diligence": _l("Diligence review requested."),
        "diligent": _l("Diligence opinion recorded."), "not_diligent": _l("Diligence opinion recorded.")}


def _project(application_id: int) -> Application:
    app: Application = get_or_404(Application, application_id)
    if app.status != "awarded" or not project.may_view(db.session, actor(), app):
        abort(404)
    return app


def _back(app_id: int) -> str:
    return url_for("challenges.project", application_id=app_id)


@login_required
def page(application_id: int) -> str:
    app = _project(application_id)
    who = actor()
    return render_template("challenges/project.html", app=app, call=app.call, **project.summary(db.session, app),
                           poster=access.is_poster(db.session, who, app.call),
                           winner=access.is_lead(db.session, who, app), expert=who.has(Role.EXPERT),
                           operator=who.is_operator,
                           results=TARGET_RESULTS, action_form=ActionForm())


@login_required
def act(milestone_id: int, action: str) -> Response:
    m: Milestone = get_or_404(Milestone, milestone_id)
    app = _project(m.application_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    version = form_version(form.version.data)
    if action == "deliver":
        files = [(f.filename or "file", f.stream) for f in request.files.getlist("files") if f and f.filename]
        return run(project.deliver, db.session, actor(), m, strip_control(request.form.get("note", ""))[:4000], files,
                   instance_path=current_app.instance_path,
                   max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024, expected_version=version,
                   success=DONE[action], back=_back(app.id))
    results = [{"result": request.form.get(f"result_{i}", ""), "measured": strip_control(request.form.get(
        f"measured_{i}", ""))[:200]} for i in range(len(app.call.targets))]
    return run(project.decide, db.session, actor(), m, action, reason=form.reason.data or "", results=results,
               expected_version=version, success=DONE[action], back=_back(app.id))


@login_required
def fund(application_id: int) -> Response:
    app = _project(application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return run(project.record_funding, db.session, actor(), app, request.form.get("amount", "")[:30],
               strip_control(request.form.get("reference", ""))[:100],
               success=_l("Transfer recorded: the operator confirms it when the money has arrived."),
               back=_back(app.id))


@login_required
def decide_transfer(transfer_id: int, decision: str) -> Response:
    t: Transfer = get_or_404(Transfer, transfer_id)
    access.require_operator(actor())
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return run(project.decide_transfer, db.session, actor(), t, decision == "confirm", form.reason.data or "",
               expected_version=form_version(form.version.data), success=_l("Transfer decided."),
               back=_back(t.application_id))


@login_required
def download(milestone_id: int, file_id: int) -> Response:
    m: Milestone = get_or_404(Milestone, milestone_id)
    _project(m.application_id)
    row = next((f for f in m.files if f.id == file_id), None)
    if row is None:
        abort(404)
    return send_file(uploads.path_for(current_app.instance_path, row.sha256), mimetype=row.content_type,
                     as_attachment=True, download_name=row.filename)
