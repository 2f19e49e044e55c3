"""Notification texts of the matching domain (message key -> text with %(name)s parameters)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "alert_item": _l("New for your subscriptions: %(title)s"),
    "alert_digest_daily": _l("Your daily digest: %(count)d new items match your subscriptions"),
    "alert_digest_weekly": _l("Your weekly digest: %(count)d new items match your subscriptions"),
    "introduction": _l("The market introduces you: “%(title)s” and “%(other)s” may fit each other"),
}
