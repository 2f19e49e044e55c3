"""Read side of the operator's review queue: submitted listings and published ones with changes waiting,
found by title or organisation, filtered by kind, field, 盟市 and what waits, in the order asked for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, or_, select

from techmarket.listings.constants import FIELDS, Kind, Status
from techmarket.listings.models import Listing, ListingTag, Revision
from techmarket.orgs.models import Organisation

SORTS = ("oldest", "newest", "title")
WAITING = ("submission", "revision")  # a new submission, or changes to a published listing
MAX_QUERY = 100


@dataclass(frozen=True)
class QueueFilters:
    """What the operator asked for; every value comes from and goes back to the page's address."""

    q: str = ""
    kind: str = ""
    field: str = ""
    region: str = ""  # a prefecture (盟市) code
    waiting: str = ""  # "", "submission" or "revision"
    sort: str = "oldest"

    @classmethod
    def from_args(cls, args: Any) -> QueueFilters:
        """Unknown values are dropped rather than refused: an old bookmark still opens the queue."""
        kind = args.get("kind", "")
        field = args.get("field", "")
        region = args.get("region", "")
        waiting = args.get("waiting", "")
        sort = args.get("sort", "oldest")
        return cls(
            q=" ".join(args.get("q", "").split())[:MAX_QUERY],
            kind=kind if kind in {k.value for k in Kind} else "",
            field=field if field in FIELDS else "",
            region=region if region.isdigit() and len(region) == 6 else "",
            waiting=waiting if waiting in WAITING else "",
            sort=sort if sort in SORTS else "oldest",
        )

    def args(self) -> dict[str, Any]:
        """The non-default values, for ``url_for`` (pages, the bulk form's address, the redirect after it)."""
        values = {"q": self.q, "kind": self.kind, "field": self.field, "region": self.region,
                  "waiting": self.waiting, "sort": "" if self.sort == "oldest" else self.sort}
        return {k: v for k, v in values.items() if v}

    @property
    def narrowed(self) -> bool:
        return any(v for k, v in self.args().items() if k != "sort")


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def waiting_since() -> Any:
    """When the item started waiting: the pending revision of a published listing, else the submission."""
    revised = (select(func.max(Revision.created_at))
               .where(Revision.listing_id == Listing.id, Revision.status == "pending").scalar_subquery())
    submitted = func.coalesce(Listing.submitted_at, Listing.updated_at)
    return case((Listing.status == Status.PUBLISHED, func.coalesce(revised, submitted)), else_=submitted)


def review_queue(f: QueueFilters | None = None) -> Select[Any]:
    """Submitted listings, and published ones with a pending revision; the longest waiting first unless
    another order is asked for."""
    f = f or QueueFilters()
    has_rev = exists().where(Revision.listing_id == Listing.id, Revision.status == "pending")
    revision = and_(Listing.status == Status.PUBLISHED, has_rev)
    submission = Listing.status == Status.SUBMITTED
    waiting = {"submission": submission, "revision": revision}.get(f.waiting, or_(submission, revision))
    stmt = select(Listing).where(waiting)
    if f.kind:
        stmt = stmt.where(Listing.kind == f.kind)
    if f.field:
        stmt = stmt.where(exists().where(ListingTag.listing_id == Listing.id, ListingTag.facet == "field",
                                         ListingTag.value == f.field))
    if f.region:
        stmt = stmt.where(Listing.prefecture_code == f.region)
    if f.q:
        pattern = _like(f.q)
        stmt = stmt.where(or_(Listing.title.ilike(pattern, escape="\\"),
                              Listing.organisation.has(Organisation.name.ilike(pattern, escape="\\"))))
    since = waiting_since()
    order = {
        "oldest": (since.asc(), Listing.id.asc()),
        "newest": (since.desc(), Listing.id.desc()),
        "title": (Listing.title.asc(), Listing.id.asc()),
    }[f.sort]
    return stmt.order_by(*order)
