"""Choice lists and states of the challenges domain (data, not rules)."""

from __future__ import annotations

import enum
from decimal import Decimal

from flask_babel import lazy_gettext as _l


class CallStatus(enum.StrEnum):
    DRAFT = "draft"
    PENDING = "pending"  # waiting for the operator's review
    RETURNED = "returned"
    OPEN = "open"  # published, taking applications until the deadline
    REVIEWING = "reviewing"  # the deadline passed: formal check and expert review
    PUBLICITY = "publicity"  # 公示 of the proposed winners
    AWARDED = "awarded"
    CLOSED = "closed"  # decided without a winner
    WITHDRAWN = "withdrawn"


CALL_STATUS_LABELS = {
    CallStatus.DRAFT: _l("Draft"),
    CallStatus.PENDING: _l("Awaiting the operator's review"),
    CallStatus.RETURNED: _l("Returned for changes"),
    CallStatus.OPEN: _l("Open for applications"),
    CallStatus.REVIEWING: _l("Under review"),
    CallStatus.PUBLICITY: _l("Results in publicity"),
    CallStatus.AWARDED: _l("Awarded"),
    CallStatus.CLOSED: _l("Closed without award"),
    CallStatus.WITHDRAWN: _l("Withdrawn"),
}
PUBLIC_STATUSES = frozenset({CallStatus.OPEN, CallStatus.REVIEWING, CallStatus.PUBLICITY, CallStatus.AWARDED,
                             CallStatus.CLOSED})
EDITABLE_STATUSES = frozenset({CallStatus.DRAFT, CallStatus.RETURNED})


class AppStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    ELIGIBLE = "eligible"  # passed the formal check
    INELIGIBLE = "ineligible"
    PROPOSED = "proposed"  # a proposed winner, in publicity
    AWARDED = "awarded"
    NOT_AWARDED = "not_awarded"


APP_STATUS_LABELS = {
    AppStatus.DRAFT: _l("Draft"),
    AppStatus.SUBMITTED: _l("Submitted for review"),
    AppStatus.WITHDRAWN: _l("Withdrawn"),
    AppStatus.ELIGIBLE: _l("Passed the formal check"),
    AppStatus.INELIGIBLE: _l("Failed the formal check"),
    AppStatus.PROPOSED: _l("Proposed winner (in publicity)"),
    AppStatus.AWARDED: _l("Awarded"),
    AppStatus.NOT_AWARDED: _l("Not awarded"),
}


class MemberStatus(enum.StrEnum):
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


MEMBER_STATUS_LABELS = {MemberStatus.INVITED: _l("Invited"), MemberStatus.CONFIRMED: _l("Confirmed"),
                        MemberStatus.DECLINED: _l("Declined")}


class ReviewStatus(enum.StrEnum):
    ASSIGNED = "assigned"
    SUBMITTED = "submitted"
    RECUSED = "recused"


REVIEW_STATUS_LABELS = {ReviewStatus.ASSIGNED: _l("Assigned"), ReviewStatus.SUBMITTED: _l("Scored"),
                        ReviewStatus.RECUSED: _l("Recused (conflict of interest)")}


class ObjectionStatus(enum.StrEnum):
    PENDING = "pending"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


OBJECTION_STATUS_LABELS = {ObjectionStatus.PENDING: _l("Awaiting the operator"),
                           ObjectionStatus.UPHELD: _l("Upheld: the review is reopened"),
                           ObjectionStatus.DISMISSED: _l("Dismissed")}

SELECTION_MODES = {
    "jiebang": _l("揭榜挂帅 (open call: the best applicant or applicants win)"),
    "zeyou": _l("择优委托 (the poster invites and chooses)"),
    "saima": _l("赛马制 (horse race: several winners funded in parallel for the first stage)"),
}
FUND_SOURCES = {"enterprise": _l("Enterprise funds"), "fiscal": _l("Fiscal funds"),
                "both": _l("Enterprise and fiscal funds")}
REGION_SCOPES = {"local": _l("Organisations in Inner Mongolia only"), "china": _l("Organisations anywhere in China"),
                 "world": _l("Organisations in China and abroad")}
IP_OWNERS = {"poster": _l("The poster owns the results"), "winner": _l("The winner owns the results"),
             "joint": _l("Owned jointly as the contract parties agree")}

DEFAULT_RUBRIC = (
    ("approach", "Technical approach", 30),
    ("team", "Team and track record", 20),
    ("plan", "Plan and milestones", 20),
    ("budget", "Budget", 15),
    ("results", "Expected results and IP", 15),
)
RUBRIC_NAMES = {
    "approach": _l("Technical approach"), "team": _l("Team and track record"), "plan": _l("Plan and milestones"),
    "budget": _l("Budget"), "results": _l("Expected results and IP"),
}
DEFAULT_SCALE = 10
PUBLICITY_WORKING_DAYS = 5
CONFLICT_YEARS = 3
DISAGREEMENT_SPREAD = Decimal(25)  # points of 100 between the highest and lowest expert total
MAX_BOUNTY = Decimal("100000000000")
MAX_MEMBERS = 10
MAX_FILES = 10


class MilestoneStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    EXPERT_REVIEW = "expert_review"  # the final milestone of a fiscal call: an expert's acceptance (验收)
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DILIGENCE = "diligence"  # the team asked for a diligence review of the failure (二十七)
    FAILED_DILIGENT = "failed_diligent"
    FAILED = "failed"


MILESTONE_STATUS_LABELS = {
    MilestoneStatus.PENDING: _l("Not yet delivered"),
    MilestoneStatus.DELIVERED: _l("Delivered, awaiting the poster"),
    MilestoneStatus.EXPERT_REVIEW: _l("Awaiting the expert acceptance"),
    MilestoneStatus.ACCEPTED: _l("Milestone accepted"),
    MilestoneStatus.REJECTED: _l("Not accepted"),
    MilestoneStatus.DILIGENCE: _l("Diligence review requested"),
    MilestoneStatus.FAILED_DILIGENT: _l("Failed but diligent: no negative evaluation"),
    MilestoneStatus.FAILED: _l("Not met"),
}
TARGET_RESULTS = {"met": _l("Target met"), "partly": _l("Partly met"), "not_met": _l("Not met")}
TRANSFER_KINDS = {"fund": _l("Funding by the poster"), "release": _l("Release to the winner")}
TRANSFER_STATUS_LABELS = {"recorded": _l("Recorded, awaiting the operator"), "confirmed": _l("Confirmed"),
                          "rejected": _l("Not confirmed")}
