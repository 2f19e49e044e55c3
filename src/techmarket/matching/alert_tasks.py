"""Alert jobs and mail: the immediate delivery of one new item, the digests, and the messages with their
one-click unsubscribe links (RFC 8058 List-Unsubscribe headers too)."""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from techmarket.accounts.tokens import make_token, read_token
from techmarket.core.components import component
from techmarket.core.mail import send_mails
from techmarket.extensions import db
from techmarket.matching import alerts
from techmarket.matching.describe import describe
from techmarket.search.service import SearchService

UNSUBSCRIBE = "alerts-unsubscribe"
TOKEN_HOURS = 24 * 400  # an old digest's link still works


def unsubscribe_token(user_id: int, subscription_ids: list[int]) -> str:
    return make_token(UNSUBSCRIBE, {"u": user_id, "s": sorted(subscription_ids)})


def read_unsubscribe_token(token: str) -> tuple[int, list[int]] | None:
    data = read_token(UNSUBSCRIBE, token, max_age_hours=TOKEN_HOURS)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("s"), list):
        return None
    return data["u"], [i for i in data["s"] if isinstance(i, int)]


def deliver_immediately(kind: str, item_id: int) -> int:
    """The job queued when an item becomes public; how many people were told."""
    with Session(db.engine) as session:
        outgoing = alerts.deliver_item(session, component(SearchService), kind, item_id)
        session.commit()
    send(outgoing)
    return len(outgoing)


def digest(period: str, now: dt.datetime | None = None) -> alerts.DigestReport:
    """``techmarket matching digest``: one unit of work, then the mail."""
    with Session(db.engine) as session:
        report = alerts.run_digest(session, component(SearchService), period, now)
        session.commit()
    send(report.digests)
    return report


def _subject(out: alerts.Outgoing) -> str:
    if out.period == "immediate":
        return _("New for your subscriptions: %(title)s", title=out.items[0][0].title)[:200]
    if out.period == "weekly":
        return _("Your weekly digest: %(count)d new items", count=len(out.items))
    return _("Your daily digest: %(count)d new items", count=len(out.items))


def send(outgoing: list[alerts.Outgoing]) -> None:
    """Mail each message in its reader's language, with an unsubscribe link per subscription and one for all
    of the message's subscriptions in the List-Unsubscribe header (RFC 8058 one-click)."""
    if not outgoing:
        return
    context = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=current_app.config["BASE_URL"])
    messages = []
    with context:
        for out in outgoing:
            subs = out.subscriptions
            every = url_for("alerts.unsubscribe", token=unsubscribe_token(out.user_id, [s.id for s in subs]),
                            _external=True)
            with force_locale(out.language):
                stops = [(describe(s), url_for("alerts.unsubscribe", token=unsubscribe_token(out.user_id, [s.id]),
                                               _external=True)) for s in subs]
                items = [(item.title, url_for(item.endpoint, _external=True, **item.endpoint_args)
                          if item.endpoint else "", describe(sub)) for item, sub in out.items]
                digest_link = url_for("alerts.digest", digest_id=out.digest_id, _external=True) \
                    if out.digest_id else None
                body = render_template("emails/alerts.txt", name=out.name, items=items, stops=stops, every=every,
                                       digest_link=digest_link, settings=url_for("alerts.index", _external=True))
                messages.append({"to": out.email, "subject": _subject(out), "body": body,
                                 "headers": {"List-Unsubscribe": f"<{every}>",
                                             "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}})
    send_mails(messages)
