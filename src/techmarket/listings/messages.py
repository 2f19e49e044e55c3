"""Notification texts of the listing domain (each person reads them in their own language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "listing_approve": _l("Your listing “%(title)s” is published."),
    "listing_return": _l("Your listing “%(title)s” was returned: %(reason)s"),
    "listing_expire": _l("Your listing “%(title)s” has expired. Renew it to publish it again."),
    "listing_withdraw": _l("The operator withdrew your listing “%(title)s”: %(reason)s"),
    "revision_approved": _l("Your changes to “%(title)s” are published."),
    "revision_rejected": _l("Your changes to “%(title)s” were returned: %(reason)s"),
    "inquiry_received": _l("%(org)s asked about “%(title)s”."),
    "inquiry_reply": _l("New reply about “%(title)s”."),
}
