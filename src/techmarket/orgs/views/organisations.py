"""Organisation pages: my organisations, register, the organisation's page, edit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from techmarket.accounts.services import actor_for
from techmarket.core.forms import submit
from techmarket.extensions import db
from techmarket.orgs import queries, services
from techmarket.orgs.forms import ActionForm, InviteForm, MemberRoleForm, OrganisationForm
from techmarket.orgs.models import Organisation


def org_or_404(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        abort(404)
    return org


def _form(obj: Organisation | None = None) -> OrganisationForm:
    form = OrganisationForm(obj=obj)
    form.division_code.choices = [SelectChoice(code, name, optgroup=group)
                                  for group, options in queries.division_choices(db.session).items()
                                  for code, name in options]
    return form


@login_required
def mine() -> str:
    return render_template("orgs/mine.html", orgs=queries.orgs_of_user(db.session, current_user.id),
                           invitations=queries.invitations_for_email(db.session, current_user.email))


@login_required
def create() -> tuple[str, int] | Response:
    form = _form()
    if form.validate_on_submit():
        org = submit(form, services.create, db.session, actor_for(current_user), form.to_data())
        if org is not None:
            db.session.commit()
            flash(_("Organisation registered. The market operator will verify it."), "success")
            return redirect(url_for("orgs.detail", org_id=org.id))
    return render_template("orgs/form.html", form=form, org=None), 400 if form.errors else 200


@login_required
def detail(org_id: int) -> str:
    return detail_page(org_or_404(org_id), InviteForm())


def detail_page(org: Organisation, invite_form: InviteForm) -> str:
    services.require_member_or_staff(db.session, actor_for(current_user), org)
    me = services.membership(db.session, org.id, current_user.id)
    return render_template("orgs/detail.html", org=org, me=me, members=queries.members(db.session, org.id),
                           invitations=queries.open_invitations(db.session, org.id),
                           invite_form=invite_form, action_form=ActionForm(), role_form=MemberRoleForm())


@login_required
def edit(org_id: int) -> tuple[str, int] | Response:
    org = org_or_404(org_id)
    actor = actor_for(current_user)
    services.require_owner(db.session, actor, org)
    form = _form(org)
    if request.method == "GET":
        form.claim_real_code.data = org.code_check_failed
    if form.validate_on_submit() and submit(form, services.update, db.session, actor, org,
                                            form.to_data()) is not None:
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("orgs.detail", org_id=org.id))
    return render_template("orgs/form.html", form=form, org=org), 400 if form.errors else 200
