"""Members of an organisation: invitations (send, accept, revoke), removing members, their roles."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from techmarket.accounts.services import actor_for, find_by_email
from techmarket.accounts.tokens import make_token, read_token
from techmarket.core.forms import submit
from techmarket.core.mail import send_mail
from techmarket.extensions import db
from techmarket.orgs import services
from techmarket.orgs.forms import ActionForm, InviteForm, MemberRoleForm
from techmarket.orgs.models import Invitation, Membership, Organisation
from techmarket.orgs.views.organisations import detail_page, org_or_404


@login_required
def invite(org_id: int) -> tuple[str, int] | Response:
    org = org_or_404(org_id)
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
    return detail_page(org, form), 400


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


@login_required
def remove_member(org_id: int, member_id: int) -> Response:
    org = org_or_404(org_id)
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


@login_required
def member_role(org_id: int, member_id: int) -> Response:
    org = org_or_404(org_id)
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
