"""The organisation's verification as data: the operator verifies or returns a pending organisation; an owner's
edit of a returned organisation, or of a key fact of a verified one, puts it back in the queue. Pure."""

from __future__ import annotations

from techmarket.core.transitions import Transition, transition
from techmarket.orgs.constants import OrgStatus

OWNER, OPERATOR = "owner", "operator"

TRANSITIONS: tuple[Transition, ...] = (
    transition("verify", {OrgStatus.PENDING}, OrgStatus.VERIFIED, OPERATOR, "verified"),
    transition("return", {OrgStatus.PENDING}, OrgStatus.RETURNED, OPERATOR, "returned"),
    transition("resubmit", {OrgStatus.RETURNED, OrgStatus.VERIFIED}, OrgStatus.PENDING, OWNER, "resubmitted"),
)
