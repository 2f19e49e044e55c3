"""Owners' pages: my listings, create and edit, workflow steps, attachments."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from techmarket.core.clock import local_today
from techmarket.core.forms import submit
from techmarket.core.inputs import parse_int
from techmarket.core.pagination import paginate
from techmarket.extensions import db
from techmarket.listings import attachments, queries, services, workflow
from techmarket.listings.constants import Kind, Status
from techmarket.listings.data import ListingData
from techmarket.listings.duplicates import similar_listings
from techmarket.listings.forms import FORMS, ActionForm, AttachmentForm, ListingForm, PostForm, default_valid_until
from techmarket.listings.models import Listing
from techmarket.listings.views.common import actor, get_listing, paging
from techmarket.orgs import queries as org_queries
from techmarket.orgs.models import Organisation

OWNER_ACTIONS = frozenset(t.action for t in workflow.TRANSITIONS if workflow.taken_by(t.action, workflow.OWNER))
ACTION_DONE = {
    "submit": _l("Submitted. The market operator will review the listing."),
    "withdraw": _l("Withdrawn. The listing is no longer public."),
    "close": _l("Closed. The listing is marked as traded."),
    "reopen": _l("Reopened as a draft. Edit it and submit it again."),
}


@login_required
def mine() -> str:
    status = request.args.get("status", "")
    status = status if status in {s.value for s in Status} else ""
    kind = request.args.get("kind", "")
    kind = kind if kind in {k.value for k in Kind} else ""
    page = paginate(db.session, queries.of_user(current_user.id, status or None, kind or None), *paging())
    pending = queries.pending_revision_ids(db.session, [x.id for x in page.items])
    return render_template("listings/mine.html", page=page, status=status, kind=kind, pending=pending,
                           has_orgs=bool(org_queries.orgs_of_user(db.session, current_user.id)))


def _form(kind: Kind, orgs: list[Organisation] | None = None) -> ListingForm:
    form = FORMS[kind]()
    form.organisation_id.choices = [SelectChoice(str(o.id), o.name) for o in orgs or []]
    form.division_code.choices = [SelectChoice("", _("The organisation's region")), *[
        SelectChoice(code, name, optgroup=group)
        for group, options in org_queries.division_choices(db.session).items() for code, name in options]]
    return form


@login_required
def create(kind: str) -> str | Response | tuple[str, int]:
    k = Kind(kind)
    orgs = [org for org, _role in org_queries.orgs_of_user(db.session, current_user.id)]
    if not orgs:
        flash(_("Register your organisation, or ask its owner to invite you, before posting."), "info")
        return redirect(url_for("orgs.create"))
    form = _form(k, orgs)
    if request.method == "GET":
        first = orgs[0]
        form.negotiable.data = True
        form.valid_until.data = default_valid_until(local_today())
        form.division_code.data = first.division_code or ""
        # The organisation's contact, else the signed-in user's own name and address: never made-up values.
        form.contact_name.data = first.contact_name or current_user.name
        form.contact_phone.data = first.contact_phone
        form.contact_email.data = first.contact_email or current_user.email
    if form.validate_on_submit():
        org = next((o for o in orgs if o.id == form.organisation_id.data), None)
        if org is None:
            form.organisation_id.errors = [_("Choose one of your organisations.")]
        elif request.form.get("confirm_duplicate") != "1" and (duplicates := similar_listings(
                db.session, org.id, k, form.title.data or "")):
            # Ask first: the form comes back as typed, with links to the listings it looks like.
            return render_template("listings/form.html", form=form, kind=k, listing=None, orgs=orgs, pending=None,
                                   duplicates=duplicates, unverified=[o for o in orgs if not o.is_verified])
        else:
            listing = submit(form, services.create, db.session, actor(), org, k, form.to_data())
            if listing is not None:
                db.session.commit()
                flash(_("Draft saved. Submit it for review when it is complete."), "success")
                return redirect(url_for("listings.detail", listing_id=listing.id))
    status = 400 if request.method == "POST" else 200
    return render_template("listings/form.html", form=form, kind=k, listing=None, orgs=orgs, pending=None,
                           unverified=[o for o in orgs if not o.is_verified]), status


@login_required
def edit(listing_id: int) -> str | Response | tuple[str, int]:
    listing = get_listing(listing_id)
    who = actor()
    services.require_editor(db.session, who, listing)
    k = Kind(listing.kind)
    pending = services.pending_revision(db.session, listing.id)
    form = _form(k)
    del form.organisation_id
    if request.method == "GET":
        form.fill(ListingData.from_json(pending.after) if pending is not None else services.data_of(listing))
    if form.validate_on_submit():
        result = submit(form, services.update, db.session, who, listing, form.to_data())
        if not form.has_errors():
            db.session.commit()
            if result is not None:
                flash(_("Your changes were sent to the market operator. The public sees the current version "
                        "until they are approved."), "info")
            else:
                flash(_("Saved."), "success")
            return redirect(url_for("listings.detail", listing_id=listing.id))
    last = queries.revisions(db.session, listing.id)
    return render_template("listings/form.html", form=form, kind=k, listing=listing, orgs=[], pending=pending,
                           last_revision=last[0] if last else None,
                           unverified=[] if listing.organisation.is_verified else [listing.organisation]), (
        400 if request.method == "POST" else 200)


@login_required
def act(listing_id: int, action: str) -> Response:
    if action not in OWNER_ACTIONS:
        abort(404)
    listing = get_listing(listing_id)
    form = ActionForm()
    version = parse_int(form.version.data, lo=0)
    if not form.validate_on_submit() or version is None:
        abort(400)
    services.transition(db.session, actor(), listing, action, reason=form.reason.data or "",
                        expected_version=version)
    db.session.commit()
    flash(str(ACTION_DONE.get(action, _("Done."))), "success")
    return redirect(url_for("listings.detail", listing_id=listing.id))


def _attachments_page(listing: Listing, form: AttachmentForm) -> str:
    return render_template("listings/attachments.html", listing=listing, form=form, post_form=PostForm(formdata=None),
                           max_mb=int(current_app.config["MAX_UPLOAD_MB"]))


@login_required
def manage_attachments(listing_id: int) -> str | Response | tuple[str, int]:
    listing = get_listing(listing_id)
    who = actor()
    services.require_editor(db.session, who, listing)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        att = submit(form, attachments.add, db.session, who, listing, upload.filename or "file", upload.stream,
                     instance_path=current_app.instance_path,
                     max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
        if att is not None:
            db.session.commit()
            flash(_("Attachment “%(name)s” added.", name=att.filename), "success")
            return redirect(url_for("listings.manage_attachments", listing_id=listing.id))
    if request.method == "POST":
        return _attachments_page(get_listing(listing_id), form), 400
    return _attachments_page(listing, form)


@login_required
def delete_attachment(listing_id: int, attachment_id: int) -> Response:
    listing = get_listing(listing_id)
    if not PostForm().validate_on_submit():
        abort(400)
    attachments.remove(db.session, actor(), listing, attachment_id)
    db.session.commit()
    flash(_("Attachment removed."), "info")
    return redirect(url_for("listings.manage_attachments", listing_id=listing.id))
