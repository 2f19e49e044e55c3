"""Bookmarks and inquiry threads of the signed-in user."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from techmarket.core.forms import submit
from techmarket.core.pagination import paginate
from techmarket.extensions import db
from techmarket.listings import engagement, queries, services
from techmarket.listings.forms import PostForm, ReplyForm
from techmarket.listings.models import InquiryThread
from techmarket.listings.views.common import actor, paging
from techmarket.orgs import queries as org_queries


@login_required
def bookmarks() -> str:
    page = paginate(db.session, queries.bookmarks_of(current_user.id), *paging())
    return render_template("listings/bookmarks.html", page=page, post_form=PostForm(formdata=None))


@login_required
def inquiries() -> str:
    page = paginate(db.session, queries.threads_of(current_user.id), *paging())
    my_orgs = {org.id for org, _role in org_queries.orgs_of_user(db.session, current_user.id)}
    return render_template("listings/inquiries.html", page=page, my_orgs=my_orgs)


@login_required
def thread(thread_id: int) -> str | Response | tuple[str, int]:
    t = db.session.get(InquiryThread, thread_id)
    if t is None:
        abort(404)
    who = actor()
    if not engagement.can_read_thread(db.session, who, t):
        abort(403)
    form = ReplyForm()
    if form.validate_on_submit():
        message = submit(form, engagement.reply, db.session, who, t, form.body.data or "")
        if message is not None:
            db.session.commit()
            flash(_("Reply sent."), "success")
            return redirect(url_for("listings.thread", thread_id=thread_id, _anchor=f"m{message.id}"))
        t = db.session.get(InquiryThread, thread_id) or t
    owner_side = services.is_member(db.session, who, t.listing.organisation_id)
    html = render_template("listings/thread.html", thread=t, form=form, owner_side=owner_side)
    return (html, 400) if request.method == "POST" else html
