"""Public listing pages: browse with filters, detail, attachment download, bookmark, ask."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from techmarket.core.forms import submit
from techmarket.core.urls import safe_local_path
from techmarket.extensions import db
from techmarket.listings import attachments, engagement, markdown, queries, services, view_counts, workflow
from techmarket.listings.constants import Kind, Status
from techmarket.listings.forms import ActionForm, AskForm, PostForm
from techmarket.listings.models import Listing
from techmarket.listings.views.common import Viewer, actor, paging, visible_listing
from techmarket.orgs import queries as org_queries

# Query arguments of the browse page, in the order their chips are shown.
SORT_LABELS = {"newest": _l("Newest first"), "oldest": _l("Oldest first"), "amount_asc": _l("Amount, low to high"),
               "amount_desc": _l("Amount, high to low")}
FILTER_ARGS = ("field", "region", "maturity", "mode", "amount_min", "amount_max", "posted_from", "posted_to")


def browse(kind: str) -> str:
    k = Kind(kind)
    filters = queries.BrowseFilters.from_args(request.args, k)
    page = queries.browse_page(db.session, filters, *paging())
    regions = {d.code: d.name for d in queries.prefectures(db.session)}
    args = _filter_args(filters)
    who = actor()
    privileged = who.is_operator or bool(engagement.verified_orgs_of(db.session, who.user_id))
    return render_template(
        "listings/browse.html", kind=k, f=filters, page=page, regions=regions, chips=_chips(k, args),
        args=args, query=_query(args), has_export="listings_io.export" in current_app.view_functions,
        sorts=SORT_LABELS, privileged=privileged, my_orgs=_my_org_ids(),
    )


def _my_org_ids() -> set[int]:
    if not current_user.is_authenticated:
        return set()
    return {org.id for org, _role in org_queries.orgs_of_user(db.session, current_user.id)}


def _filter_args(f: queries.BrowseFilters) -> MultiDict[str, str]:
    """The filters that were understood, as query arguments (invalid ones dropped)."""
    out: MultiDict[str, str] = MultiDict()
    for name, values in (("field", f.fields), ("region", f.regions), ("mode", f.modes)):
        for v in values:
            out.add(name, v)
    if f.kind == Kind.ACHIEVEMENT:
        for v in f.maturity:
            out.add("maturity", v)
    for name in ("amount_min", "amount_max", "posted_from", "posted_to"):
        if getattr(f, name) is not None:
            out.add(name, request.args.get(name, "").strip())
    return out


def _query(args: MultiDict[str, str], **extra: Any) -> dict[str, Any]:
    return {key: args.getlist(key) for key in args} | extra


def _chips(kind: Kind, args: MultiDict[str, str]) -> list[dict[str, Any]]:
    """One removable chip per active filter value: what it is and the address without it."""
    chips = []
    for name in FILTER_ARGS:
        for value in args.getlist(name):
            rest: MultiDict[str, str] = MultiDict([(k, v) for k, v in args.items(multi=True)
                                                   if (k, v) != (name, value)])
            if request.args.get("sort"):
                rest.add("sort", request.args["sort"])
            chips.append({"name": name, "value": value,
                          "url": url_for("listings.browse", kind=kind.value, **_query(rest))})
    return chips


def detail(listing_id: int) -> str:
    listing, viewer = visible_listing(listing_id)
    if listing.status == Status.PUBLISHED and not viewer.member:
        view_counts.count_view(listing.id)  # buffered: a page view takes no write lock
    return detail_page(listing, viewer)


def detail_page(listing: Listing, viewer: Viewer, ask_form: AskForm | None = None) -> str:
    details = viewer.sees_details(listing)
    ask_orgs = [o for o in engagement.verified_orgs_of(db.session, viewer.user_id)
                if o.id != listing.organisation_id] if listing.status == Status.PUBLISHED else []
    if not ask_orgs:
        ask_form = None
    elif ask_form is None:
        ask_form = AskForm()
    if ask_form is not None:
        ask_form.org_id.choices = [SelectChoice(str(o.id), o.name) for o in ask_orgs]
    owner_actions = workflow.actions_for(Status(listing.status), "owner") if viewer.member else []
    action_form = ActionForm(formdata=None, version=str(listing.version))
    return render_template(
        "listings/detail.html", listing=listing, viewer=viewer, details=details,
        description=markdown.render(listing.description) if details else None,
        ask_form=ask_form, bookmarked=engagement.is_bookmarked(db.session, viewer.user_id, listing.id),
        post_form=PostForm(formdata=None), owner_actions=owner_actions, action_form=action_form,
        pending=services.pending_revision(db.session, listing.id) if viewer.member or viewer.operator else None,
    )


def download(listing_id: int, attachment_id: int) -> Response:
    listing, viewer = visible_listing(listing_id)
    att = next((a for a in listing.attachments if a.id == attachment_id), None)
    if att is None or not viewer.sees_details(listing):
        abort(404)
    path = attachments.path_of(current_app.instance_path, att)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=att.content_type, as_attachment=True, download_name=att.filename,
                     max_age=0)


@login_required
def bookmark(listing_id: int) -> Response:
    listing, _viewer = visible_listing(listing_id)
    if not PostForm().validate_on_submit():
        abort(400)
    on = engagement.toggle_bookmark(db.session, actor(), listing)
    db.session.commit()
    flash(_("Bookmarked.") if on else _("Bookmark removed."), "success" if on else "info")
    back = safe_local_path(request.form.get("next"))
    return redirect(back or url_for("listings.detail", listing_id=listing.id))


@login_required
def ask(listing_id: int) -> str | Response | tuple[str, int]:
    listing, viewer = visible_listing(listing_id)
    orgs = {o.id: o for o in engagement.verified_orgs_of(db.session, current_user.id)
            if o.id != listing.organisation_id}
    if not orgs:
        flash(_("Inquiries are sent by members of verified organisations other than the listing's owner."),
              "warning")
        return redirect(url_for("listings.detail", listing_id=listing.id))
    form = AskForm()
    form.org_id.choices = [SelectChoice(str(o.id), o.name) for o in orgs.values()]
    if form.validate_on_submit():
        org = orgs.get(form.org_id.data)
        if org is None:
            form.org_id.errors = [_("Choose one of your verified organisations.")]
        else:
            thread = submit(form, engagement.ask, db.session, actor(), listing, org, form.body.data or "")
            if thread is not None:
                db.session.commit()
                flash(_("Your question was sent. The answer will appear here."), "success")
                return redirect(url_for("listings.thread", thread_id=thread.id))
    return detail_page(listing, viewer, ask_form=form), 400
