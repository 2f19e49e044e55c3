"""A subscription in words, in the reader's language (the settings page, the alert mails)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from techmarket.listings.constants import FIELDS, KIND_LABELS
from techmarket.matching.alerts import SubscriptionRef
from techmarket.matching.models import DEMAND, FIELD, ORG, REGION, SEARCH, Subscription
from techmarket.orgs.places import place_name


def _filters(query: Any) -> str:
    parts = []
    for name, value in query:
        if name == "field":
            parts.append(str(FIELDS.get(value, value)))
        elif name == "kind":
            parts.append(str(KIND_LABELS.get(value, value)))  # type: ignore[call-overload]
        elif name != "q":
            parts.append(value)
    return "、".join(parts)


def describe(sub: Subscription | SubscriptionRef) -> str:
    query = [tuple(p) for p in sub.query or ()]
    if sub.kind == SEARCH:
        words = next((v for k, v in query if k == "q"), "")
        filters = _filters(query)
        if words and filters:
            return _("Saved search “%(words)s” (%(filters)s)", words=words, filters=filters)
        if words:
            return _("Saved search “%(words)s”", words=words)
        return _("Saved search (%(filters)s)", filters=filters)
    if sub.kind == FIELD:
        return _("Field: %(name)s", name=FIELDS.get(sub.target, sub.target))
    if sub.kind == REGION:
        return _("League or city: %(name)s", name=place_name(sub.target, sub.label))
    if sub.kind == ORG:
        return _("Organisation: %(name)s", name=sub.label)
    if sub.kind == DEMAND:
        return _("New matches for your demand “%(title)s”", title=sub.label)
    return sub.label
