"""In-site notifications, each also sent by email once the unit of work that made it commits.

A notification stores a message key and parameters, not text, so each person reads it in their own
language. Domains add their message texts with :func:`register_messages`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from techmarket.accounts.models import User
from techmarket.core import events
from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.core.mail import send_mail

MESSAGES: dict[str, Any] = {}
_PENDING = "techmarket.pending_notifications"
_NO_MAIL = "techmarket.notifications_without_mail"


class Notification(Base):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    endpoint: Mapped[str | None] = mapped_column(String(64))
    endpoint_args: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]

    @property
    def text(self) -> str:
        return message_text(self.kind, self.params)

    @property
    def link(self) -> str | None:
        return url_for(self.endpoint, **self.endpoint_args) if self.endpoint else None


def message_text(kind: str, params: dict[str, Any]) -> str:
    template = MESSAGES.get(kind)
    return str(template) % params if template is not None else kind


def register_messages(messages: dict[str, Any]) -> None:
    MESSAGES.update(messages)


def notify(session: Session, user_ids: list[int] | set[int], kind: str, params: dict[str, Any],
           endpoint: str | None = None, **endpoint_args: Any) -> None:
    """Record a notification for each user; the emails go out after the commit."""
    for uid in sorted(set(user_ids)):
        user = session.get(User, uid)
        if user is None:
            continue
        n = Notification(user_id=uid, kind=kind, params=params, endpoint=endpoint, endpoint_args=endpoint_args)
        session.add(n)
        if user.active and not session.info.get(_NO_MAIL):
            # Everything the mail needs, read now: after the commit the session cannot query.
            session.info.setdefault(_PENDING, []).append(
                (user.email, user.name, user.language, kind, dict(params), endpoint, dict(endpoint_args)))


@contextmanager
def without_mail(session: Session) -> Iterator[None]:
    """Notifications made inside stay in the site only (demo data must not mail real servers)."""
    session.info[_NO_MAIL] = True
    try:
        yield
    finally:
        session.info.pop(_NO_MAIL, None)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def recent(session: Session, user_id: int) -> Any:
    return select(Notification).where(Notification.user_id == user_id).order_by(Notification.id.desc())


def mark_all_read(session: Session, user_id: int) -> None:
    session.execute(update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
                    .values(read_at=utcnow()))


def _send_after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    if has_request_context():
        _send(pending)
        return
    # Jobs and commands: links need the site's public address.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        _send(pending)


def _send(pending: list[tuple]) -> None:
    for email, name, language, kind, params, endpoint, args in pending:
        with force_locale(language):
            text = message_text(kind, params)
            subject = str(_l("Inner Mongolia Technology Market: %(text)s", text=text))[:200]
            send_mail(email, subject, "notification", name=name, text=text,
                      link=url_for(endpoint, _external=True, **args) if endpoint else None)


def _drop_after_rollback(session: Session, previous_transaction: Any) -> None:
    if not getattr(previous_transaction, "nested", False):  # a savepoint's undo keeps the unit of work's mail
        session.info.pop(_PENDING, None)


def install() -> None:
    """Called once by create_app: mail notifications after commit, forget them after rollback."""
    events.on_commit(_send_after_commit, on_rollback=_drop_after_rollback)
