"""Every model of every domain, imported in one place so that the metadata is complete for migrations,
the drift test and table-level tools, whichever blueprints are registered."""

from __future__ import annotations

from techmarket.accounts.models import User, UserRole
from techmarket.accounts.notifications import Notification
from techmarket.core.audit import AuditEntry, AuditHead
from techmarket.core.progress import JobRun
from techmarket.listings.models import (
    Attachment,
    Bookmark,
    InquiryMessage,
    InquiryThread,
    IPItem,
    Listing,
    ListingTag,
    Revision,
)
from techmarket.orgs.models import Division, Invitation, Membership, Organisation

__all__ = [
    "Attachment", "AuditEntry", "AuditHead", "Bookmark", "Division", "IPItem", "InquiryMessage", "InquiryThread",
    "Invitation", "JobRun", "Listing", "ListingTag", "Membership", "Notification", "Organisation", "Revision",
    "User", "UserRole",
]
