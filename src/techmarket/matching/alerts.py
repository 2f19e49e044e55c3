"""Delivering new items to subscriptions: at once (one item, right after it became public) or in one digest per
user and period. Records what it delivered (never the same item twice to the same user) and returns the mail
to send after the commit; the caller (a job, a command) commits and mails. No Flask here.

Matching is generic over :class:`~techmarket.matching.items.NewItem`: fields, 盟市 and organisations are
compared here; saved searches and demand matches are asked of the item's source (the search service and the
matcher for listings, so every search backend gives the same answer as its search page).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from techmarket.accounts.models import User
from techmarket.accounts.notifications import Notification, notify, without_mail
from techmarket.core.clock import LOCAL_TZ, utcnow
from techmarket.matching.items import SOURCES, NewItem, source_for
from techmarket.matching.models import DEMAND, FIELD, ORG, REGION, SEARCH, AlertDelivery, AlertDigest, Subscription
from techmarket.search.query import parse
from techmarket.search.service import SearchService
from techmarket.search.tokenizer import normalise

PERIODS = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}
SLACK = dt.timedelta(days=1)  # a run that came late or failed yesterday still finds what it missed
MAX_ITEMS = 50  # per digest
CHUNK = 500


@dataclass(frozen=True)
class SubscriptionRef:
    """What a message needs of a subscription after the commit."""

    id: int
    kind: str
    target: str
    label: str
    query: tuple[tuple[str, str], ...] = ()


@dataclass
class Outgoing:
    """One message to one user: the items (each with the subscription that found it)."""

    user_id: int
    email: str
    name: str
    language: str
    period: str  # immediate, daily, weekly
    items: list[tuple[NewItem, SubscriptionRef]] = field(default_factory=list)
    digest_id: int | None = None

    @property
    def subscriptions(self) -> list[SubscriptionRef]:
        return list({s.id: s for _i, s in self.items}.values())


def ref(sub: Subscription) -> SubscriptionRef:
    return SubscriptionRef(sub.id, sub.kind, sub.target, sub.label, tuple((k, v) for k, v in sub.query or []))


def period_key(period: str, now: dt.datetime) -> str:
    local = now.astimezone(LOCAL_TZ).date()
    if period == "weekly":
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return local.isoformat()


def _could_match(query: Sequence[Sequence[str]], items: Sequence[tuple[NewItem, str]]) -> bool:
    """Cheap test before the search: some new item has the saved search's type, field and 盟市 (when it names
    them) and holds every one of its words (the word, one of its synonyms, or a phrase's parts) in its text.
    Never false for an item the search would find (it finds an item only by words, synonyms or character
    bigrams of the word that are in the item's text)."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for name, value in query:
        wanted[name].add(value)
    words = " ".join(sorted(wanted.pop("q", set())))
    options = [[normalise(o) for o in {*term.alternatives, term.text, *term.phrase} if o]
               for term in parse(words).terms] if words.strip() else []

    def fits(item: NewItem, text: str) -> bool:
        if wanted.get("kind") and item.subkind not in wanted["kind"]:
            return False
        if wanted.get("field") and not (item.fields & wanted["field"]):
            return False
        if wanted.get("region") and item.region not in wanted["region"]:
            return False
        return all(any(o in text for o in term) for term in options)

    return any(fits(item, text) for item, text in items)


class Matcher:
    """Which of some new items each subscription finds (the expensive answers asked once per run)."""

    def __init__(self, session: Session, search: SearchService, items: Sequence[NewItem], since: dt.datetime
                 ) -> None:
        self.session, self.search, self.items, self.since = session, search, list(items), since
        self.by_field: dict[str, list[NewItem]] = defaultdict(list)
        self.by_region: dict[str, list[NewItem]] = defaultdict(list)
        self.by_org: dict[str, list[NewItem]] = defaultdict(list)
        for item in self.items:
            for f in item.fields:
                self.by_field[f].append(item)
            if item.region:
                self.by_region[item.region].append(item)
            if item.org_id is not None:
                self.by_org[str(item.org_id)].append(item)
        self.texts = [(i, normalise(f"{i.title}\n{i.text}")) for i in self.items]
        self._searches: dict[str, list[NewItem]] = {}
        self._demands: dict[str, list[NewItem]] | None = None
        self.demand_ids: set[int] = set()  # the demands whose matches are asked for (set by collect)

    def _demand_index(self, demand_ids: set[int]) -> dict[str, list[NewItem]]:
        if self._demands is None:
            self._demands = defaultdict(list)
            by_kind: dict[str, list[NewItem]] = defaultdict(list)
            for item in self.items:
                by_kind[item.kind].append(item)
            for kind, items in by_kind.items():
                source = source_for(kind)
                found = source.matched_demands(self.session, self.search, items, demand_ids) if source else {}
                keyed = {i.id: i for i in items}
                for demand_id, item_ids in found.items():
                    self._demands[str(demand_id)] += [keyed[i] for i in sorted(item_ids) if i in keyed]
        return self._demands

    def _search(self, sub: Subscription) -> list[NewItem]:
        found = self._searches.get(sub.target)
        if found is None:
            found = []
            if _could_match(sub.query or [], self.texts):
                by_kind: dict[str, dict[int, NewItem]] = defaultdict(dict)
                for item in self.items:
                    by_kind[item.kind][item.id] = item
                for kind, items in by_kind.items():
                    source = source_for(kind)
                    if source is not None:
                        hits = source.search_hits(self.session, self.search, sub.query or [], self.since, set(items))
                        found += [items[i] for i in sorted(hits)]
            self._searches[sub.target] = found
        return found

    def found_by(self, sub: Subscription) -> list[NewItem]:
        if sub.kind == FIELD:
            found = self.by_field.get(sub.target, [])
        elif sub.kind == REGION:
            found = self.by_region.get(sub.target, [])
        elif sub.kind == ORG:
            found = self.by_org.get(sub.target, [])
        elif sub.kind == DEMAND:
            found = self._demand_index(self.demand_ids).get(sub.target, [])
        elif sub.kind == SEARCH:
            found = self._search(sub)
        else:
            found = []
        return [i for i in found if i.published_at is None or i.published_at >= sub.created_at]


def _delivered(session: Session, user_ids: Sequence[int], keys: set[tuple[str, int]]) -> set[tuple[int, str, int]]:
    if not keys:
        return set()
    out: set[tuple[int, str, int]] = set()
    ids = sorted({i for _k, i in keys})
    for start in range(0, len(user_ids), CHUNK):
        chunk = list(user_ids[start:start + CHUNK])
        rows = session.execute(select(AlertDelivery.user_id, AlertDelivery.item_kind, AlertDelivery.item_id)
                               .where(AlertDelivery.user_id.in_(chunk), AlertDelivery.item_id.in_(ids)))
        out.update((u, k, i) for u, k, i in rows if (k, i) in keys)
    return out


def collect(session: Session, matcher: Matcher, subs: Iterable[Subscription], limit: int = MAX_ITEMS
            ) -> dict[int, list[tuple[NewItem, Subscription]]]:
    """User id -> the new items their subscriptions find that they were not sent before (each item once)."""
    found: dict[int, dict[tuple[str, int], tuple[NewItem, Subscription]]] = defaultdict(dict)
    subs = list(subs)
    matcher.demand_ids = {int(s.target) for s in subs if s.kind == DEMAND and s.target.isdigit()}
    for sub in subs:
        for item in matcher.found_by(sub):
            found[sub.user_id].setdefault(item.key, (item, sub))
    done = _delivered(session, sorted(found), {k for per in found.values() for k in per})
    out = {}
    for user_id, per in found.items():
        fresh = [pair for key, pair in per.items() if (user_id, *key) not in done]
        if fresh:
            fresh.sort(key=lambda p: (p[0].published_at or utcnow(), p[0].id), reverse=True)
            out[user_id] = fresh[:limit]
    return out


def _users(session: Session, user_ids: Iterable[int]) -> dict[int, User]:
    ids = sorted(set(user_ids))
    out: dict[int, User] = {}
    for start in range(0, len(ids), CHUNK):
        out.update({u.id: u for u in session.scalars(select(User).where(User.id.in_(ids[start:start + CHUNK])))})
    return out


def _record(session: Session, user: User, pairs: list[tuple[NewItem, Subscription]], period: str,
            digest_id: int | None) -> Outgoing:
    """Write what is delivered (one bulk insert: a digest run writes tens of thousands of rows)."""
    session.execute(insert(AlertDelivery), [
        {"user_id": user.id, "item_kind": i.kind, "item_id": i.id, "title": i.title[:200], "subscription_id": s.id,
         "digest_id": digest_id, "delivered_at": utcnow()} for i, s in pairs])
    return Outgoing(user_id=user.id, email=user.email, name=user.name, language=user.language, period=period,
                    items=[(i, ref(s)) for i, s in pairs], digest_id=digest_id)


def deliver_item(session: Session, search: SearchService, kind: str, item_id: int) -> list[Outgoing]:
    """An item just became public: tell at once everyone whose immediate subscriptions find it."""
    source = source_for(kind)
    item = source.item(session, item_id) if source else None
    if item is None:
        return []
    subs = session.scalars(select(Subscription).where(Subscription.frequency == "immediate")).all()
    since = item.published_at or utcnow()
    found = collect(session, Matcher(session, search, [item], since), subs)
    users = _users(session, found)
    out = []
    with without_mail(session):  # the alert's own mail carries the unsubscribe link
        for user_id, pairs in sorted(found.items()):
            user = users.get(user_id)
            if user is None or not user.active:
                continue
            out.append(_record(session, user, pairs, "immediate", None))
            notify(session, [user_id], "alert_item", {"title": item.title}, item.endpoint or None,
                   **item.endpoint_args)
    session.flush()
    return out


@dataclass
class DigestReport:
    period: str
    key: str
    items: int = 0  # new items in the window
    subscriptions: int = 0
    digests: list[Outgoing] = field(default_factory=list)


def new_items(session: Session, since: dt.datetime, until: dt.datetime) -> list[NewItem]:
    return [i for source in SOURCES.values() for i in source.new_items(session, since, until)]


def run_digest(session: Session, search: SearchService, period: str, now: dt.datetime | None = None) -> DigestReport:
    """One digest per user for this period (the day or the ISO week in Beijing time) with the new items of the
    window their subscriptions find; users who had theirs already are left out (running twice sends nothing
    twice)."""
    if period not in PERIODS:
        raise ValueError(period)
    now = now or utcnow()
    key = period_key(period, now)
    report = DigestReport(period, key)
    since = now - PERIODS[period] - SLACK
    items = new_items(session, since, now)
    report.items = len(items)
    if not items:
        return report
    served = select(AlertDigest.user_id).where(AlertDigest.period == period, AlertDigest.period_key == key)
    subs = session.scalars(select(Subscription).where(Subscription.frequency == period,
                                                      Subscription.user_id.not_in(served))
                           .order_by(Subscription.id)).all()
    report.subscriptions = len(subs)
    found = collect(session, Matcher(session, search, items, since), subs)
    users = _users(session, found)
    digests = {}
    for user_id, pairs in found.items():
        user = users.get(user_id)
        if user is not None and user.active:
            digests[user_id] = AlertDigest(user_id=user_id, period=period, period_key=key, item_count=len(pairs))
    session.add_all(digests.values())
    session.flush()
    notes = []
    for user_id, digest in sorted(digests.items()):
        report.digests.append(_record(session, users[user_id], found[user_id], period, digest.id))
        notes.append({"user_id": user_id, "kind": f"alert_digest_{period}", "params": {"count": digest.item_count},
                      "endpoint": "alerts.digest", "endpoint_args": {"digest_id": digest.id}, "created_at": utcnow()})
    if notes:  # in the site only: the digest's own mail carries the unsubscribe links
        session.execute(insert(Notification), notes)
    session.flush()
    return report


def digest_items(session: Session, user_id: int, digest_id: int) -> tuple[AlertDigest, list[AlertDelivery]] | None:
    """A digest of this user's and what it held (None when it is not theirs)."""
    digest = session.get(AlertDigest, digest_id)
    if digest is None or digest.user_id != user_id:
        return None
    rows = session.scalars(select(AlertDelivery).where(AlertDelivery.digest_id == digest_id)
                           .order_by(AlertDelivery.id)).all()
    return digest, list(rows)

