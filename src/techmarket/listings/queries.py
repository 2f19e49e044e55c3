"""Read side of listings: the public browse with filters, my listings, the review queue, threads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session, lazyload

from techmarket.core.pagination import Page
from techmarket.listings.constants import FIELDS, MATURITY, TRANSACTION_MODES, Kind, Status
from techmarket.listings.data import parse_amount
from techmarket.listings.models import Bookmark, InquiryThread, Listing, ListingTag, Revision
from techmarket.orgs.models import Division, Membership

SORTS = ("newest", "oldest", "amount_asc", "amount_desc")
#: The browse page counts matches up to this many (or the current page's end); past it the page says "more than".
COUNT_CAP = 1000
#: The price a listing sorts by (NULL when negotiable). Its expression indexes ix_listing_browse_price_* (migration
#: exports_1) repeat it and the null tests below exactly: SQLite matches an index expression by its shape.
PRICE = func.coalesce(Listing.amount_min, Listing.amount_max)


@dataclass
class BrowseFilters:
    kind: Kind = Kind.ACHIEVEMENT
    fields: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # prefecture (盟市) codes
    maturity: list[str] = field(default_factory=list)
    modes: list[str] = field(default_factory=list)
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    posted_from: dt.date | None = None
    posted_to: dt.date | None = None
    sort: str = "newest"
    problems: list[str] = field(default_factory=list)  # filters that were ignored, to tell the user

    @classmethod
    def from_args(cls, args: Any, kind: Kind) -> BrowseFilters:
        f = cls(kind=kind)
        f.fields = [v for v in args.getlist("field") if v in FIELDS][:20]
        f.regions = [v for v in args.getlist("region") if v.isdigit() and len(v) == 6][:12]
        f.maturity = [v for v in args.getlist("maturity") if v in MATURITY]
        f.modes = [v for v in args.getlist("mode") if v in TRANSACTION_MODES]
        for name in ("amount_min", "amount_max"):
            try:
                value = parse_amount(args.get(name))
            except ValueError:
                f.problems.append(name)
                value = None
            setattr(f, name, value if value is None or value >= 0 else None)
        for name in ("posted_from", "posted_to"):
            raw = args.get(name, "")
            try:
                setattr(f, name, dt.date.fromisoformat(raw) if raw else None)
            except ValueError:
                f.problems.append(name)
        sort = args.get("sort", "newest")
        f.sort = sort if sort in SORTS else "newest"
        return f


def _tag(facet: str, values: list[str]) -> Any:
    return exists().where(ListingTag.listing_id == Listing.id, ListingTag.facet == facet,
                          ListingTag.value.in_(values))


def _filtered(stmt: Select[Any], f: BrowseFilters) -> Select[Any]:
    stmt = stmt.where(Listing.kind == f.kind, Listing.status == Status.PUBLISHED)
    if f.fields:
        stmt = stmt.where(_tag("field", f.fields))
    if f.modes:
        stmt = stmt.where(_tag("mode", f.modes))
    if f.regions:
        stmt = stmt.where(Listing.prefecture_code.in_(f.regions))
    if f.maturity and f.kind == Kind.ACHIEVEMENT:
        stmt = stmt.where(Listing.maturity.in_(f.maturity))
    if f.amount_min is not None:  # ranges overlap the wanted range
        stmt = stmt.where(func.coalesce(Listing.amount_max, Listing.amount_min) >= f.amount_min)
    if f.amount_max is not None:
        stmt = stmt.where(f.amount_max >= PRICE)
    if f.posted_from is not None:
        stmt = stmt.where(Listing.published_at >= dt.datetime.combine(f.posted_from, dt.time(), dt.UTC))
    if f.posted_to is not None:
        end = dt.datetime.combine(f.posted_to + dt.timedelta(days=1), dt.time(), dt.UTC)
        stmt = stmt.where(Listing.published_at < end)
    return stmt


def _order(f: BrowseFilters) -> tuple[ColumnElement[Any], ...]:
    """Newest/oldest by publication; by price with negotiable (no price) listings last in both directions.

    Ascending reads ix_listing_browse_price_asc forwards (``price IS NULL`` false first), descending reads
    ix_listing_browse_price_desc backwards (``price IS NOT NULL`` true first): no sort of every match."""
    return {
        "newest": (Listing.published_at.desc(), Listing.id.desc()),
        "oldest": (Listing.published_at.asc(), Listing.id.asc()),
        "amount_asc": (PRICE.is_(None).asc(), PRICE.asc(), Listing.id.desc()),
        "amount_desc": (PRICE.is_not(None).desc(), PRICE.desc(), Listing.id.desc()),
    }[f.sort]


def browse(f: BrowseFilters) -> Select[Any]:
    """The published listings matching ``f``, in its order (whole rows: for the export)."""
    return _filtered(select(Listing), f).order_by(*_order(f))


def browse_ids(f: BrowseFilters) -> Select[Any]:
    """The ids of the matches in order: read from the indexes alone (add limit and offset)."""
    return _filtered(select(Listing.id), f).order_by(*_order(f))


def browse_count(f: BrowseFilters, cap: int) -> Select[Any]:
    """How many listings match, counting no further than ``cap + 1``."""
    return select(func.count()).select_from(_filtered(select(Listing.id), f).limit(cap + 1).subquery())


def browse_page(session: Session, f: BrowseFilters, page: int, per_page: int) -> Page[Listing]:
    """One page of the browse list and its count.

    The page's ids come first from the indexes alone (no row with its long texts is read or sorted), then
    those listings are loaded with what the list shows (organisation, division, tags; not IP items or
    attachments). Matches are counted up to :data:`COUNT_CAP` or the end of the next page: past that the
    page says "more than" (``more``) instead of reading every match to count it."""
    ids = list(session.scalars(browse_ids(f).limit(per_page).offset((page - 1) * per_page)))
    loaded = {listing.id: listing for listing in session.scalars(
        select(Listing).where(Listing.id.in_(ids))
        .options(lazyload(Listing.ip_items), lazyload(Listing.attachments)))} if ids else {}
    cap = max(COUNT_CAP, (page + 1) * per_page)
    if ids and len(ids) < per_page:  # the last page: the count is known without counting
        counted = (page - 1) * per_page + len(ids)
    else:
        counted = session.scalar(browse_count(f, cap)) or 0
    return Page(items=[loaded[i] for i in ids if i in loaded], page=page, per_page=per_page,
                total=min(counted, cap), more=counted > cap)


def of_user(user_id: int, status: str | None = None, kind: str | None = None) -> Select[Any]:
    orgs = select(Membership.organisation_id).where(Membership.user_id == user_id)
    stmt = select(Listing).where(Listing.organisation_id.in_(orgs))
    if status:
        stmt = stmt.where(Listing.status == status)
    if kind:
        stmt = stmt.where(Listing.kind == kind)
    return stmt.order_by(Listing.updated_at.desc(), Listing.id.desc())


def bookmarks_of(user_id: int) -> Select[Any]:
    return select(Bookmark).where(Bookmark.user_id == user_id).order_by(Bookmark.created_at.desc())


def threads_of(user_id: int) -> Select[Any]:
    orgs = select(Membership.organisation_id).where(Membership.user_id == user_id)
    return (select(InquiryThread).join(Listing, InquiryThread.listing_id == Listing.id)
            .where(or_(InquiryThread.organisation_id.in_(orgs), Listing.organisation_id.in_(orgs)))
            .order_by(InquiryThread.last_message_at.desc()))


def revisions(session: Session, listing_id: int) -> list[Revision]:
    return list(session.scalars(select(Revision).where(Revision.listing_id == listing_id)
                                .order_by(Revision.number.desc())))


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Listing.kind, func.count()).where(Listing.status == Status.PUBLISHED)
                           .group_by(Listing.kind)).all()
    result = {k.value: 0 for k in Kind}
    result.update(dict(rows))
    return result


def pending_revision_ids(session: Session, listing_ids: list[int]) -> set[int]:
    """Which of these listings have a revision waiting for the operator."""
    if not listing_ids:
        return set()
    return set(session.scalars(select(Revision.listing_id).where(Revision.listing_id.in_(listing_ids),
                                                                 Revision.status == "pending")))


def prefectures(session: Session) -> list[Division]:
    """The twelve leagues and cities (盟市) of Inner Mongolia, for the region filter."""
    return list(session.scalars(select(Division).where(Division.level == "prefecture").order_by(Division.code)))
