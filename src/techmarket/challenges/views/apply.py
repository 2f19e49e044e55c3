"""The application pages (揭榜): the form built from the call's rubric, the consortium, the attachments, the
members' answers to invitations, submitting and withdrawing."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from techmarket.challenges import access, applications, calls
from techmarket.challenges.data import milestones_from_text, milestones_to_text
from techmarket.challenges.forms import ActionForm, ApplicationForm, FileForm, InviteForm
from techmarket.challenges.models import Member
from techmarket.challenges.views.common import actor, form_version, get_or_404, run, visible_application
from techmarket.core import uploads
from techmarket.core.forms import submit
from techmarket.core.inputs import strip_control
from techmarket.extensions import db


def _back(application_id: int, anchor: str = "") -> str:
    return url_for("challenges.application", application_id=application_id) + (f"#{anchor}" if anchor else "")


@login_required
def application(application_id: int) -> str | Response | tuple[str, int]:
    app = visible_application(application_id)
    who = actor()
    lead = access.is_lead(db.session, who, app)
    form = ApplicationForm()
    sections = {c["key"]: strip_control(request.form.get(f"section_{c['key']}", ""))[:20000]
                for c in app.call.rubric} if request.method == "POST" else dict(app.sections or {})
    if request.method == "GET":
        if calls.settle(db.session, app.call):  # past the deadline: the formal check may start from here
            db.session.commit()
        form.title.data, form.budget.data = app.title, app.budget
        form.milestones.data = milestones_to_text(app.milestones)
        form.version.data = str(app.version)
    elif not lead:
        abort(403)
    elif form.validate_on_submit():
        done = submit(form, applications.save, db.session, who, app, title=form.title.data, sections=sections,
                      milestones=milestones_from_text(form.milestones.data or ""),
                      budget=form.budget.data or Decimal(0), expected_version=form_version(form.version.data))
        if done is not None:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(_back(app.id))
    problems = applications.eligibility_problems(db.session, app) if lead and app.status == "draft" else []
    mine = access.org_ids_of(db.session, who)
    return render_template(
        "challenges/application.html", app=app, call=app.call, form=form, sections=sections, lead=lead,
        editable=lead and app.status in applications.EDITABLE and calls.accepting(app.call),
        problems=problems, invite_form=InviteForm(), file_form=FileForm(), action_form=ActionForm(),
        my_members=[m for m in app.members if m.organisation_id in mine and m.status == "invited"],
        operator=who.is_operator), 400 if request.method == "POST" else 200


@login_required
def invite(application_id: int) -> Response:
    app = visible_application(application_id)
    form = InviteForm()
    if not form.validate_on_submit():
        flash(_("Give the credit code or the registration number abroad."), "danger")
        return redirect(_back(app.id, "members"))
    return run(applications.invite, db.session, actor(), app, form.code.data, form.role.data or "",
               success=_l("Invitation sent: the organisation must confirm."), back=_back(app.id, "members"))


@login_required
def remove_member(application_id: int, member_id: int) -> Response:
    app = visible_application(application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return run(applications.remove_member, db.session, actor(), app, member_id, success=_l("Member removed."),
               back=_back(app.id, "members"))


@login_required
def shares(application_id: int) -> Response:
    app = visible_application(application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    rows: dict[int, tuple[str, Decimal, Decimal]] = {}
    for m in app.members:
        try:
            work = Decimal(request.form.get(f"work_{m.id}", "").strip()[:12] or "0")
            budget = Decimal(request.form.get(f"budget_{m.id}", "").strip()[:12] or "0")
        except InvalidOperation:
            flash(_("Give the shares as numbers."), "danger")
            return redirect(_back(app.id, "members"))
        rows[m.id] = (strip_control(request.form.get(f"role_{m.id}", ""))[:200], work, budget)
    return run(applications.set_shares, db.session, actor(), app, rows, success=_l("Shares saved."),
               back=_back(app.id, "members"))


@login_required
def answer_invitation(member_id: int, answer: str) -> Response:
    member: Member = get_or_404(Member, member_id)
    if member.organisation_id not in access.org_ids_of(db.session, actor()):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    return run(applications.answer_invitation, db.session, actor(), member, answer == "confirm",
               success=_l("Your answer was sent to the lead organisation."),
               back=url_for("challenges.application", application_id=member.application_id))


@login_required
def act(application_id: int, action: str) -> Response:
    app = visible_application(application_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    step = applications.submit if action == "submit" else applications.withdraw
    done = _l("Submitted. You can edit or withdraw it until the deadline.") if action == "submit" else \
        _l("Withdrawn.")
    return run(step, db.session, actor(), app, expected_version=form_version(form.version.data), success=done,
               back=_back(app.id))


@login_required
def add_file(application_id: int) -> Response:
    app = visible_application(application_id)
    form = FileForm()
    if not form.validate_on_submit():
        flash(_("Choose a file."), "danger")
        return redirect(_back(app.id, "files"))
    upload = form.file.data
    return run(applications.add_file, db.session, actor(), app, upload.filename or "file", upload.stream,
               instance_path=current_app.instance_path,
               max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024,
               success=_l("Attachment added."), back=_back(app.id, "files"))


@login_required
def remove_file(application_id: int, file_id: int) -> Response:
    app = visible_application(application_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return run(applications.remove_file, db.session, actor(), app, file_id, success=_l("Attachment removed."),
               back=_back(app.id, "files"))


@login_required
def download_file(application_id: int, file_id: int) -> Response:
    app = visible_application(application_id)
    row = next((f for f in app.files if f.id == file_id), None)
    if row is None:
        abort(404)
    return send_file(uploads.path_for(current_app.instance_path, row.sha256), mimetype=row.content_type,
                     as_attachment=True, download_name=row.filename)
