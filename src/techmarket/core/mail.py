"""Outgoing mail: SMTP when configured, otherwise an outbox folder of ``.eml`` files.

The outbox lets every flow (confirmation, password reset, invitations) work with no mail server: the
operator reads it in the console and ``make run`` prints its path.
"""

from __future__ import annotations

import smtplib
from email import policy as email_policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, render_template

from techmarket.core.clock import utcnow
from techmarket.core.jobs import queue


def outbox_dir() -> Path:
    path = Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def send_mail(to: str, subject: str, template: str, *, headers: dict[str, str] | None = None,
              **context: object) -> None:
    """Render now (in the sender's language) and hand the message to the job queue; ``headers``: extra ones
    (List-Unsubscribe)."""
    body = render_template(f"emails/{template}.txt", **context)
    extra: dict[str, Any] = {"headers": headers} if headers else {}
    queue().enqueue("techmarket.core.mail.deliver", to=to, subject=subject, body=body, **extra)


MAIL_BATCH = 200


def send_mails(messages: list[dict[str, Any]]) -> None:
    """Hand many rendered messages (``to``, ``subject``, ``body``, ``headers``) to the queue, a job per
    :data:`MAIL_BATCH` (a digest run queues a few jobs, not one per reader)."""
    for start in range(0, len(messages), MAIL_BATCH):
        queue().enqueue("techmarket.core.mail.deliver_many", messages=messages[start:start + MAIL_BATCH])


def deliver_many(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        deliver(message["to"], message["subject"], message["body"], message.get("headers"))


def deliver(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="techmarket.local")
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if current_app.config["MAIL_BACKEND"] == "smtp":
        cfg = current_app.config
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=30) as smtp:
            if cfg["SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg["SMTP_USERNAME"]:
                smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
            smtp.send_message(msg)
        return
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    safe_to = "".join(c if c.isalnum() or c in "@._-" else "_" for c in to)
    (outbox_dir() / f"{stamp}-{safe_to}.eml").write_bytes(bytes(msg))


def read_outbox(page: int = 1, per_page: int = 20) -> tuple[list[EmailMessage], int]:
    """Newest first: one page of messages and the total count."""
    files = sorted(outbox_dir().glob("*.eml"), reverse=True)
    start = max(page - 1, 0) * per_page
    parser = BytesParser(policy=email_policy.default)
    messages = [parser.parsebytes(f.read_bytes()) for f in files[start : start + per_page]]
    return messages, len(files)  # type: ignore[return-value]
