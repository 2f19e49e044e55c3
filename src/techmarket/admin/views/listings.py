"""The operator's listing moderation: the review queue with bulk decisions, and the review page with the
revision diff, the decision form and the takedown. Each decision is one unit of work; the services check
the actor's role again and the listing's version, so the first of two operators wins."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import Field, HiddenField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from techmarket.accounts.services import actor_for
from techmarket.admin import diff
from techmarket.admin.access import staff_only
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import Conflict
from techmarket.core.forms import SafeForm, strip, submit
from techmarket.core.inputs import parse_int
from techmarket.core.pagination import Page, clamp, paginate
from techmarket.core.roles import Role
from techmarket.extensions import db
from techmarket.listings import attachments, markdown, queries, services
from techmarket.listings.constants import (
    CONFIDENTIALITY,
    FIELDS,
    IP_STATUSES,
    IP_TYPES,
    KIND_LABELS,
    MATURITY,
    STATUS_LABELS,
    TRANSACTION_MODES,
    Status,
)
from techmarket.listings.models import Listing, Revision
from techmarket.listings.review_queue import QueueFilters, review_queue
from techmarket.orgs import queries as org_queries
from techmarket.orgs.models import Division

CHANGED = _l("This listing changed after you opened the page (someone else decided first, or the owner edited "
             "it). Reload to see its state.")
STATUS_BADGES = {"draft": "text-bg-secondary", "submitted": "text-bg-warning", "published": "text-bg-success",
                 "returned": "text-bg-danger", "withdrawn": "text-bg-dark", "closed": "text-bg-info",
                 "expired": "text-bg-light border"}
ACTIONS = {
    "create": _l("Created"), "import": _l("Imported from a file"), "update": _l("Edited"),
    "submit": _l("Submitted for review"),
    "approve": _l("Approved and published"), "return": _l("Returned for changes"), "withdraw": _l("Withdrawn"),
    "close": _l("Closed (traded)"), "expire": _l("Expired"), "reopen": _l("Reopened as a draft"),
    "propose_revision": _l("Changes proposed"), "approve_revision": _l("Changes approved"),
    "reject_revision": _l("Changes returned"), "attach": _l("Attachment added"),
    "detach": _l("Attachment removed"),
}
HISTORY_PER_PAGE = 20
QUEUE_SORTS = {"oldest": _l("Longest waiting first"), "newest": _l("Most recent first"), "title": _l("By title")}
QUEUE_WAITING = {"submission": _l("New submissions"), "revision": _l("Changes to published listings")}


def _reason_for_return(form: FlaskForm, field: Field) -> None:
    if form.action.data == "return" and not field.data:
        raise ValidationError(_l("Give the reason for returning."))


class BulkForm(SafeForm):
    selected = SelectMultipleField(_l("Listings"), choices=[], validate_choice=False)
    action = SelectField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve")),
                                                  SelectChoice("return", _l("Return"))])
    reason = TextAreaField(_l("Reason for returning (sent to the owners)"), filters=[strip],
                           validators=[_reason_for_return, Length(max=2000)])

    def validate_selected(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Tick at least one listing."))


class DecisionForm(SafeForm):
    decision = RadioField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve and publish")),
                                                   SelectChoice("return", _l("Return to the owners with a reason"))],
                          validators=[DataRequired(message=_l("Choose approve or return."))])
    reason = TextAreaField(_l("Reason for returning (sent to the owners)"), filters=[strip],
                           validators=[Length(max=2000)])
    version = HiddenField()
    revision = HiddenField()


class WithdrawForm(SafeForm):
    reason = TextAreaField(_l("Reason for the takedown (sent to the owners)"), filters=[strip],
                           validators=[DataRequired(message=_l("Give the reason for the takedown.")),
                                       Length(max=2000)])
    version = HiddenField()


@dataclass(frozen=True)
class Seen:
    """What the operator saw when deciding: the listing's version and, for a revision, its token."""

    listing_id: int
    version: int
    revision: str = ""

    @property
    def value(self) -> str:
        return f"{self.listing_id}:{self.version}:{self.revision}"

    @classmethod
    def parse(cls, raw: str) -> Seen:
        listing_id, _sep, rest = raw.partition(":")
        version, _sep, revision = rest.partition(":")
        number, seen_version = parse_int(listing_id, lo=1), parse_int(version, lo=0)
        if number is None or seen_version is None or len(revision) > 40:
            abort(400)
        return cls(number, seen_version, revision)


def revision_token(rev: Revision) -> str:
    """Changes whenever the owner rewrites the pending revision, so the operator approves what was shown."""
    content = json.dumps(rev.after, sort_keys=True, ensure_ascii=False, default=str)
    return f"{rev.id}-{hashlib.sha256(content.encode()).hexdigest()[:16]}"


def _decide(session: Session, actor: Actor, listing: Listing, seen: Seen, approve: bool, reason: str) -> Listing:
    """Approve or return what the operator saw: a submission, or the pending revision of a published listing."""
    if not seen.revision:
        return services.transition(session, actor, listing, "approve" if approve else "return", reason=reason,
                                   expected_version=seen.version)
    rev = services.pending_revision(session, listing.id)
    if rev is None or revision_token(rev) != seen.revision or listing.version != seen.version:
        raise Conflict(CHANGED)
    services.decide_revision(session, actor, rev, approve=approve, reason=reason)
    return listing


def _pending_revisions(session: Session, listing_ids: list[int]) -> dict[int, Revision]:
    if not listing_ids:
        return {}
    revs = session.scalars(select(Revision).where(Revision.listing_id.in_(listing_ids),
                                                  Revision.status == "pending"))
    return {r.listing_id: r for r in revs}


def _division_namer(session: Session) -> Callable[[str], str]:
    def name(code: str) -> str:
        division = session.get(Division, code)
        return f"{division.label} ({code})" if division is not None else code

    return name


@dataclass(frozen=True)
class QueueRow:
    listing: Listing
    revision: Revision | None
    since: dt.datetime
    waited: dt.timedelta
    seen: Seen


@staff_only(Role.OPERATOR)
def queue() -> tuple[str, int] | Response:
    filters = QueueFilters.from_args(request.args)
    form = BulkForm()
    if form.validate_on_submit():
        approve = form.action.data == "approve"
        done, skipped = _bulk(actor_for(current_user), [Seen.parse(v) for v in form.selected.data], approve,
                              form.reason.data or "")
        _flash_summary(approve, done, skipped)
        return redirect(url_for(".queue", **filters.args()))
    page = paginate(db.session, review_queue(filters), *clamp(request.args.get("page"), request.args.get("per_page")))
    revisions = _pending_revisions(db.session, [item.id for item in page.items])
    now = utcnow()
    rows = []
    for item in page.items:
        rev = revisions.get(item.id) if item.status == Status.PUBLISHED else None
        since = rev.created_at if rev else (item.submitted_at or item.updated_at)
        seen = Seen(item.id, item.version, revision_token(rev) if rev else "")
        rows.append(QueueRow(item, rev, since, max(now - since, dt.timedelta()), seen))
    return render_template("admin/listings/queue.html", page=page, rows=rows, form=form, filters=filters,
                           kinds=KIND_LABELS, fields=FIELDS, regions=queries.prefectures(db.session),
                           sorts=QUEUE_SORTS), 400 if form.errors else 200


def _bulk(actor: Actor, items: list[Seen], approve: bool, reason: str) -> tuple[list[str], list[str]]:
    """One unit of work per listing: each success commits; a listing changed meanwhile is skipped."""
    done: list[str] = []
    skipped: list[str] = []
    seen_ids: set[int] = set()
    for seen in items:
        if seen.listing_id in seen_ids:
            continue
        seen_ids.add(seen.listing_id)
        listing = db.session.get(Listing, seen.listing_id)
        title = listing.title if listing is not None else f"#{seen.listing_id}"
        try:
            if listing is None:
                raise Conflict(CHANGED)
            _decide(db.session, actor, listing, seen, approve, reason)
            db.session.commit()
            done.append(title)
        except (Conflict, StaleDataError):
            db.session.rollback()
            skipped.append(title)
    return done, skipped


def _flash_summary(approve: bool, done: list[str], skipped: list[str]) -> None:
    if not skipped:
        message = (_("Approved %(n)d.", n=len(done)) if approve else _("Returned %(n)d.", n=len(done)))
        flash(message, "success")
        return
    titles = "; ".join(skipped)
    if approve:
        message = _("Approved %(done)d, skipped %(skipped)d (changed meanwhile): %(titles)s",
                    done=len(done), skipped=len(skipped), titles=titles)
    else:
        message = _("Returned %(done)d, skipped %(skipped)d (changed meanwhile): %(titles)s",
                    done=len(done), skipped=len(skipped), titles=titles)
    flash(message, "warning")


def _version(raw: str | None) -> int:
    version = parse_int(raw, lo=0)
    if version is None:
        abort(400)
    return version


@staff_only(Role.OPERATOR)
def review(listing_id: int) -> tuple[str, int] | Response:
    listing = db.session.get(Listing, listing_id) or abort(404)
    form = DecisionForm()
    if form.validate_on_submit():
        seen = Seen(listing.id, _version(form.version.data), form.revision.data or "")
        approve = form.decision.data == "approve"
        title = listing.title
        if submit(form, _decide, db.session, actor_for(current_user), listing, seen, approve,
                  form.reason.data or "") is not None:
            db.session.commit()
            if seen.revision:
                message = (_("The changes to “%(title)s” are published.", title=title) if approve
                           else _("The changes to “%(title)s” were returned.", title=title))
            else:
                message = (_("Published: “%(title)s”.", title=title) if approve
                           else _("Returned to the owners: “%(title)s”.", title=title))
            flash(message, "success")
            return redirect(url_for(".queue"))
    return _review_page(listing, form, WithdrawForm(prefix="withdraw", formdata=None))


@staff_only(Role.OPERATOR)
def withdraw(listing_id: int) -> tuple[str, int] | Response:
    listing = db.session.get(Listing, listing_id) or abort(404)
    form = WithdrawForm(prefix="withdraw")
    if form.validate_on_submit():
        title = listing.title
        if submit(form, services.transition, db.session, actor_for(current_user), listing, "withdraw",
                  reason=form.reason.data or "", expected_version=_version(form.version.data)) is not None:
            db.session.commit()
            flash(_("Withdrawn: “%(title)s”. The owners were told why.", title=title), "success")
            return redirect(url_for(".review", listing_id=listing_id))
    return _review_page(listing, DecisionForm(formdata=None), form)


@staff_only(Role.OPERATOR)
def attachment(listing_id: int, attachment_id: int) -> Response:
    listing = db.session.get(Listing, listing_id) or abort(404)
    att = next((a for a in listing.attachments if a.id == attachment_id), None) or abort(404)
    path = attachments.path_of(current_app.instance_path, att)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=att.content_type, as_attachment=True, download_name=att.filename)


def _review_page(listing: Listing, form: DecisionForm, withdraw_form: WithdrawForm) -> tuple[str, int]:
    """The review page; 400 when it is shown again with errors in a form."""
    session = db.current()
    name = _division_namer(session)
    rev = services.pending_revision(session, listing.id)
    # A resubmitted listing can still carry a revision from before it was withdrawn: the submission comes first.
    on_revision = rev is not None and listing.status != Status.SUBMITTED
    if not form.version.data:
        form.version.data = str(listing.version)
        form.revision.data = revision_token(rev) if rev is not None and on_revision else ""
    if not withdraw_form.version.data:
        withdraw_form.version.data = str(listing.version)
    earlier = [(r, diff.changes(r.before, r.after, name)) for r in queries.revisions(session, listing.id)
               if rev is None or r.id != rev.id]
    entries = list(reversed(audit.history(session, "listing", listing.id)))
    page_no, _per_page = clamp(request.args.get("page"), HISTORY_PER_PAGE)
    start = (page_no - 1) * HISTORY_PER_PAGE
    history = Page(entries[start:start + HISTORY_PER_PAGE], page_no, HISTORY_PER_PAGE, len(entries))
    return render_template(
        "admin/listings/review.html", listing=listing, org=listing.organisation, rev=rev, on_revision=on_revision,
        changes=diff.changes(rev.before, rev.after, name) if rev else [], earlier=earlier, history=history,
        form=form, withdraw_form=withdraw_form, description=markdown.render(listing.description),
        decidable=listing.status == Status.SUBMITTED or on_revision,
        can_withdraw=listing.status == Status.PUBLISHED, members=org_queries.members(session, listing.organisation_id),
    ), 400 if form.errors or withdraw_form.errors else 200


def listing_labels() -> dict[str, Any]:
    return {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS, "status_badges": STATUS_BADGES,
            "field_labels": FIELDS, "maturity_labels": MATURITY, "mode_labels": TRANSACTION_MODES,
            "ip_type_labels": IP_TYPES, "ip_status_labels": IP_STATUSES, "confidentiality_labels": CONFIDENTIALITY,
            "audit_actions": ACTIONS, "diff_labels": diff.LABELS, "queue_waiting": QUEUE_WAITING}
