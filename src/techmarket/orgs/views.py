"""Organisation pages for members: register, edit, members, invitations, leaving."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from techmarket.accounts.services import actor_for, find_by_email
from techmarket.accounts.tokens import make_token, read_token
from techmarket.core.forms import submit
from techmarket.core.mail import send_mail
from techmarket.extensions import db
from techmarket.orgs import queries, services
from techmarket.orgs.forms import ActionForm, InviteForm, MemberRoleForm, OrganisationForm
from techmarket.orgs.models import Invitation, Membership, Organisation

bp = Blueprint("orgs", __name__, url_prefix="/orgs")


def _org(org_id: int) -> Organisation:
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


@bp.route("/")
@login_required
def mine() -> str:
    return render_template("orgs/mine.html", orgs=queries.orgs_of_user(db.session, current_user.id),
                           invitations=queries.invitations_for_email(db.session, current_user.email))


@bp.route("/new", methods=["GET", "POST"])
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


@bp.route("/<int:org_id>")
@login_required
def detail(org_id: int) -> str:
    return _detail_page(_org(org_id), InviteForm())


def _detail_page(org: Organisation, invite_form: InviteForm) -> str:
    services.require_member_or_staff(db.session, actor_for(current_user), org)
    me = services.membership(db.session, org.id, current_user.id)
    return render_template("orgs/detail.html", org=org, me=me, members=queries.members(db.session, org.id),
                           invitations=queries.open_invitations(db.session, org.id),
                           invite_form=invite_form, action_form=ActionForm(), role_form=MemberRoleForm())


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int) -> tuple[str, int] | Response:
    org = _org(org_id)
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


@bp.route("/<int:org_id>/invite", methods=["POST"])
@login_required
def invite(org_id: int) -> tuple[str, int] | Response:
    org = _org(org_id)
    form = InviteForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        inv = submit(form, services.invite, db.session, actor_for(current_user), org, email, form.role.data)
        if inv is not None:
            db.session.commit()
            link = url_for("orgs.accept", token=make_token("invite", inv.id), _external=True)
            invitee = find_by_email(db.session, email)
            with force_locale(invitee.language if invitee else "zh_Hans_CN"):
                send_mail(email, _("Invitation to join %(org)s", org=org.name), "invite", org=org,
                          inviter=current_user, link=link)
            flash(_("Invitation sent to %(email)s.", email=email), "success")
            return redirect(url_for("orgs.detail", org_id=org.id))
    return _detail_page(org, form), 400


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@login_required
def accept(token: str) -> str | Response:
    inv_id = read_token("invite", token, max_age_hours=24 * 14)
    inv = db.session.get(Invitation, inv_id) if isinstance(inv_id, int) else None
    if inv is None or not inv.is_open:
        flash(_("This invitation is not valid any more."), "danger")
        return redirect(url_for("orgs.mine"))
    form = ActionForm()
    if form.validate_on_submit():
        services.accept_invitation(db.session, actor_for(current_user), current_user, inv.id)
        db.session.commit()
        flash(_("You joined %(org)s.", org=inv.organisation.name), "success")
        return redirect(url_for("orgs.detail", org_id=inv.organisation_id))
    return render_template("orgs/accept.html", inv=inv, form=form)


@bp.route("/invitations/<int:inv_id>/revoke", methods=["POST"])
@login_required
def revoke(inv_id: int) -> Response:
    inv = db.session.get(Invitation, inv_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.revoke_invitation(db.session, actor_for(current_user), inv)
    db.session.commit()
    flash(_("Invitation withdrawn."), "info")
    return redirect(url_for("orgs.detail", org_id=inv.organisation_id))


def _member(org: Organisation, member_id: int) -> Membership:
    m = db.session.get(Membership, member_id)
    if m is None or m.organisation_id != org.id:
        abort(404)
    return m


@bp.route("/<int:org_id>/members/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(org_id: int, member_id: int) -> Response:
    org = _org(org_id)
    m = _member(org, member_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    leaving = m.user_id == current_user.id
    services.remove_member(db.session, actor_for(current_user), org, m)
    db.session.commit()
    if leaving:
        flash(_("You left %(org)s.", org=org.name), "info")
        return redirect(url_for("orgs.mine"))
    flash(_("Member removed."), "info")
    return redirect(url_for("orgs.detail", org_id=org.id))


@bp.route("/<int:org_id>/members/<int:member_id>/role", methods=["POST"])
@login_required
def member_role(org_id: int, member_id: int) -> Response:
    org = _org(org_id)
    m = _member(org, member_id)
    actor = actor_for(current_user)
    services.require_owner(db.session, actor, org, staff_ok=False)  # a stranger hears 403, not 400
    form = MemberRoleForm()
    if not form.validate_on_submit():
        abort(400)
    services.set_member_role(db.session, actor, org, m, form.role.data)
    db.session.commit()
    flash(_("Role changed."), "success")
    return redirect(url_for("orgs.detail", org_id=org.id))
