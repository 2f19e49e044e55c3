"""Matching pages: suggestions on a listing's page and the owner's page, feedback, the operator's console."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response

from techmarket.core.components import component
from techmarket.core.microcache import TTLCache
from techmarket.core.pagination import clamp, paginate
from techmarket.core.roles import Role
from techmarket.core.urls import safe_local_path
from techmarket.extensions import db
from techmarket.listings import visibility
from techmarket.listings.blueprint import LABELS, actor, get_listing
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from techmarket.listings.queries import prefectures
from techmarket.matching import introductions, queries, services
from techmarket.matching.forms import FeedbackForm, IntroductionForm
from techmarket.matching.recommend import Recommendations, cached_matches, recommend
from techmarket.matching.regions import NEIGHBOURS
from techmarket.search.service import SearchService

bp = Blueprint("matching", __name__, url_prefix="/matching")

HEADINGS = {Kind.DEMAND.value: _l("Matching technology achievements"),
            Kind.ACHIEVEMENT.value: _l("Matching technology demands")}
#: Listings per page of "Recommended for your listings" (each with its eight suggestions: a long page already).
MINE_PER_PAGE = 3
_console_cache: TTLCache[queries.Unmatched] = TTLCache(ttl_seconds=300, max_entries=4)


def _search() -> SearchService:
    return component(SearchService)


def _viewer() -> visibility.Viewer:
    return visibility.viewer_for(db.session, actor())


def _region_names() -> dict[str, str]:
    return {d.code: d.label for d in prefectures(db.session)}


def _render_panel(recs: Recommendations, viewer: visibility.Viewer, heading: Any) -> Markup:
    owner = viewer.is_member(recs.source) and viewer.user_id is not None
    verdicts = services.verdicts_of(db.session, viewer.user_id, recs.source.id) if owner else {}
    broker = viewer.user_id is not None and introductions.may_introduce(db.session, actor())
    html = render_template("matching/_panel.html", recs=recs, owner=owner, verdicts=verdicts, heading=heading,
                           form=FeedbackForm(formdata=None), regions=_region_names(), labels=LABELS,
                           next=request.full_path.rstrip("?"), broker=broker,
                           intro_form=IntroductionForm(formdata=None) if broker else None)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


@bp.app_template_global("matching_panel")
def matching_panel(listing: Listing) -> Markup:
    """The suggestions box of a published listing's page (empty for other listings)."""
    if listing.status != Status.PUBLISHED:
        return Markup("")
    viewer = _viewer()
    if not viewer.may_open(listing):
        return Markup("")
    recs = recommend(db.session, _search(), viewer, listing)
    return _render_panel(recs, viewer, HEADINGS.get(listing.kind, ""))


@bp.route("/mine")
@login_required
def mine() -> str:
    """为您的需求推荐: suggestions for the user's published listings, demands first."""
    viewer = _viewer()
    number, _per_page = clamp(request.args.get("page"), MINE_PER_PAGE)
    stmt = (select(Listing).where(Listing.organisation_id.in_(viewer.member_of or [0]),
                                  Listing.status == Status.PUBLISHED)
            .order_by((Listing.kind == Kind.DEMAND.value).desc(), Listing.published_at.desc(), Listing.id.desc()))
    page = paginate(db.session, stmt, number, MINE_PER_PAGE)
    panels = [_render_panel(recommend(db.session, _search(), viewer, row), viewer, row.title) for row in page.items]
    return render_template("matching/mine.html", panels=panels, page=page)


@bp.route("/<int:listing_id>/feedback/<int:candidate_id>", methods=["POST"])
@login_required
def feedback(listing_id: int, candidate_id: int) -> Response:
    listing = get_listing(listing_id)
    candidate = get_listing(candidate_id)
    form = FeedbackForm()
    if not form.validate_on_submit():
        abort(400)
    verdict = request.form.get("verdict", "")
    score = request.form.get("score", type=float)
    services.record_feedback(db.session, actor(), listing, candidate, verdict, score)
    db.session.commit()
    flash(_("Thank you: your feedback improves the suggestions."), "success")
    back = safe_local_path(form.next.data)
    return redirect(back or url_for("listings.detail", listing_id=listing.id))


@bp.route("/<int:listing_id>/introduce/<int:candidate_id>", methods=["POST"])
@login_required
def introduce(listing_id: int, candidate_id: int) -> Response:
    """A broker sends a suggestion to both sides: an inquiry thread between them, the reason quoted."""
    listing = get_listing(listing_id)
    candidate = get_listing(candidate_id)
    form = IntroductionForm()
    if not form.validate_on_submit():
        abort(400)
    viewer = _viewer()
    match = next((m for row, m, _h in cached_matches(db.session, _search(), viewer, listing)
                  if row.id == candidate.id), None) if viewer.may_open(listing) else None
    introductions.introduce(db.session, actor(), listing, candidate, form.reason.data or "", match)
    db.session.commit()
    flash(_("Introduced: both sides were sent an inquiry thread with your reason."), "success")
    return redirect(safe_local_path(form.next.data) or url_for("listings.detail", listing_id=listing.id))


@bp.route("/console")
@login_required
def console() -> str:
    if not current_user.has_role(Role.OPERATOR):
        abort(403)
    unmatched = _console_cache.get("unmatched")
    if unmatched is None or request.args.get("refresh"):
        unmatched = queries.unmatched_demands(db.session, _search(), _viewer())
        _console_cache.set("unmatched", unmatched)
    return render_template("matching/console.html", figures=queries.feedback_figures(db.session),
                           recent=queries.recent_feedback(db.session), unmatched=unmatched,
                           regions=_region_names(), labels=LABELS, good=queries.GOOD_SCORE,
                           neighbours=NEIGHBOURS)
