"""The operator's console (blueprint ``admin``): users, organisation verification, mail outbox, audit log.
Every service call checks the actor's role again. The URLs are in :mod:`techmarket.admin.blueprint`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from werkzeug.wrappers import Response

from techmarket.accounts import services as accounts
from techmarket.accounts.forms import UserActiveForm, UserRolesForm
from techmarket.accounts.models import User
from techmarket.admin.access import staff_only
from techmarket.core.audit import AuditEntry
from techmarket.core.forms import submit
from techmarket.core.inputs import parse_int
from techmarket.core.mail import read_outbox
from techmarket.core.pagination import Page, clamp, paginate
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.orgs import queries as org_queries
from techmarket.orgs import services as orgs
from techmarket.orgs.constants import OrgStatus
from techmarket.orgs.forms import DecisionForm
from techmarket.orgs.models import Organisation


def _paging() -> tuple[int, int]:
    return clamp(request.args.get("page"), request.args.get("per_page"))


@staff_only(Role.OPERATOR, Role.REGISTRAR)
def index() -> Response:
    return redirect(url_for("admin.organisations" if current_user.has_role(Role.OPERATOR) else "admin.audit_log"))


@staff_only(Role.OPERATOR)
def organisations() -> str:
    status = request.args.get("status", OrgStatus.PENDING.value)
    if status not in {s.value for s in OrgStatus} | {""}:
        status = OrgStatus.PENDING.value
    q = request.args.get("q", "")[:100]
    page = paginate(db.session, org_queries.queue(status or None, q), *_paging())
    return render_template("admin/organisations.html", page=page, status=status, q=q)


@staff_only(Role.OPERATOR)
def organisation(org_id: int) -> tuple[str, int] | Response:
    org = db.session.get(Organisation, org_id) or abort(404)
    form = DecisionForm()
    if request.method == "GET":
        form.version.data = str(org.version)
    if form.validate_on_submit():
        expected = parse_int(form.version.data or "0", lo=0)
        if expected is None:
            abort(400)
        done = submit(form, orgs.decide, db.session, accounts.actor_for(current_user), org,
                      verify=form.decision.data == "verify", reason=form.reason.data or "",
                      expected_version=expected, override_reason=form.override_reason.data or "")
        if done is not None:
            db.session.commit()
            flash(_("Decision recorded."), "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation.html", org=org, form=form,
                           members=org_queries.members(db.session, org.id)), 400 if form.errors else 200


@staff_only(Role.OPERATOR)
def users() -> str:
    q = request.args.get("q", "")[:100]
    stmt = select(User).order_by(User.created_at.desc())
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(User.email.ilike(like), User.name.ilike(like)))
    return render_template("admin/users.html", page=paginate(db.session, stmt, *_paging()), q=q)


@staff_only(Role.OPERATOR)
def user(user_id: int) -> tuple[str, int] | Response:
    target = db.session.get(User, user_id) or abort(404)
    roles_form = UserRolesForm(prefix="roles")
    active_form = UserActiveForm(prefix="active")
    actor = accounts.actor_for(current_user)
    if request.method == "GET":
        roles_form.roles.data = sorted(r.value for r in target.roles)
        active_form.active.data = target.active
    if request.form.get("which") == "roles":
        if roles_form.validate_on_submit() and submit(
            roles_form, accounts.set_roles, db.session, actor, target, [Role(r) for r in roles_form.roles.data]
        ) is None and not roles_form.errors:
            db.session.commit()
            flash(_("Roles saved."), "success")
            return redirect(url_for("admin.user", user_id=target.id))
    elif request.form.get("which") == "active" and active_form.validate_on_submit() and submit(
        active_form, accounts.set_active, db.session, actor, target, bool(active_form.active.data)
    ) is None and not active_form.errors:
        db.session.commit()
        flash(_("Account saved."), "success")
        return redirect(url_for("admin.user", user_id=target.id))
    status = 400 if roles_form.errors or active_form.errors else 200
    return render_template("admin/user.html", target=target, roles_form=roles_form, active_form=active_form,
                           orgs=org_queries.orgs_of_user(db.session, target.id)), status


@staff_only(Role.OPERATOR)
def outbox() -> str:
    page_no, per_page = _paging()
    messages, total = read_outbox(page_no, per_page)
    return render_template("admin/outbox.html", page=Page(messages, page_no, per_page, total))


@staff_only(Role.OPERATOR, Role.REGISTRAR)
def audit_log() -> str:
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc())
    object_type = request.args.get("type", "")[:64]
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    return render_template("admin/audit.html", page=paginate(db.session, stmt, *_paging()),
                           object_type=object_type)
