"""The challenge state machines as data: calls, applications, consortium members, reviews, objections. Pure.

Guards and effects that need the database are attached in :mod:`techmarket.challenges.machines`, which applies
these tables through :func:`techmarket.core.workflow.apply`.
"""

from __future__ import annotations

from techmarket.challenges.constants import AppStatus as A
from techmarket.challenges.constants import CallStatus as C
from techmarket.challenges.constants import MemberStatus as M
from techmarket.challenges.constants import MilestoneStatus as MS
from techmarket.challenges.constants import ObjectionStatus as O
from techmarket.challenges.constants import ReviewStatus as R
from techmarket.core.transitions import Transition, transition

POSTER = "poster"  # a member of the posting organisation (or the operator, who posts for programmes)
OPERATOR = "operator"
LEAD = "lead"  # a member of the application's lead organisation
INVITEE = "invitee"  # a member of an invited consortium member
EXPERT = "expert"  # the review's expert (or the system, recusing on a detected conflict)
SYSTEM = "system"  # taken inside the service that decides (the award decision moves the applications)

CALL: tuple[Transition, ...] = (
    transition("submit", {C.DRAFT, C.RETURNED}, C.PENDING, POSTER, "submitted"),
    transition("approve", {C.PENDING}, C.OPEN, OPERATOR, "published"),
    transition("return", {C.PENDING}, C.RETURNED, OPERATOR, "returned"),
    transition("withdraw", {C.DRAFT, C.PENDING, C.RETURNED}, C.WITHDRAWN, POSTER, "withdrawn"),
    # The deadline passed (server time): applications are closed and the review begins.
    transition("close", {C.OPEN}, C.REVIEWING, SYSTEM, "closed"),
    # The decision: the poster proposes the winners; for a fiscally funded call the operator decides with them.
    transition("propose", {C.REVIEWING}, C.PUBLICITY, POSTER, "results_publicised", when=lambda c: not c.fiscal),
    transition("propose", {C.REVIEWING}, C.PUBLICITY, OPERATOR, "results_publicised", when=lambda c: c.fiscal),
    transition("no_award", {C.REVIEWING}, C.CLOSED, POSTER, "closed_without_award"),
    transition("reopen_review", {C.PUBLICITY}, C.REVIEWING, OPERATOR, "review_reopened"),
    transition("finalise", {C.PUBLICITY}, C.AWARDED, OPERATOR, "awarded"),
)

APPLICATION: tuple[Transition, ...] = (
    transition("submit", {A.DRAFT}, A.SUBMITTED, LEAD, "submitted"),
    transition("withdraw", {A.DRAFT, A.SUBMITTED}, A.WITHDRAWN, LEAD, "withdrawn"),
    transition("pass", {A.SUBMITTED}, A.ELIGIBLE, OPERATOR, "passed_formal_check"),
    transition("fail", {A.SUBMITTED}, A.INELIGIBLE, OPERATOR, "failed_formal_check"),
    transition("propose", {A.ELIGIBLE}, A.PROPOSED, SYSTEM, "proposed"),
    transition("unpropose", {A.PROPOSED}, A.ELIGIBLE, SYSTEM, "unproposed"),
    transition("award", {A.PROPOSED}, A.AWARDED, SYSTEM, "awarded"),
    transition("not_award", {A.ELIGIBLE}, A.NOT_AWARDED, SYSTEM, "not_awarded"),
)

MEMBER: tuple[Transition, ...] = (
    transition("confirm", {M.INVITED}, M.CONFIRMED, INVITEE, "confirmed"),
    transition("decline", {M.INVITED}, M.DECLINED, INVITEE, "declined"),
)

REVIEW: tuple[Transition, ...] = (
    transition("score", {R.ASSIGNED}, R.SUBMITTED, EXPERT, "scored"),
    transition("recuse", {R.ASSIGNED}, R.RECUSED, EXPERT, "recused"),
)

OBJECTION: tuple[Transition, ...] = (
    transition("uphold", {O.PENDING}, O.UPHELD, OPERATOR, "upheld"),
    transition("dismiss", {O.PENDING}, O.DISMISSED, OPERATOR, "dismissed"),
)

WINNER = "winner"  # a member of the awarded application's lead organisation
EXPERT_ROLE = "expert_role"  # any user with the expert role (acceptance and diligence opinions)

MILESTONE: tuple[Transition, ...] = (
    transition("deliver", {MS.PENDING, MS.REJECTED}, MS.DELIVERED, WINNER, "delivered"),
    transition("accept", {MS.DELIVERED}, MS.ACCEPTED, POSTER, "accepted", when=lambda m: not m.fiscal_final),
    transition("accept", {MS.DELIVERED}, MS.EXPERT_REVIEW, POSTER, "sent_to_expert", when=lambda m: m.fiscal_final),
    transition("reject", {MS.DELIVERED}, MS.REJECTED, POSTER, "rejected"),
    transition("expert_pass", {MS.EXPERT_REVIEW}, MS.ACCEPTED, EXPERT_ROLE, "accepted"),
    transition("expert_fail", {MS.EXPERT_REVIEW}, MS.REJECTED, EXPERT_ROLE, "rejected"),
    transition("ask_diligence", {MS.REJECTED}, MS.DILIGENCE, WINNER, "diligence_requested"),
    transition("diligent", {MS.DILIGENCE}, MS.FAILED_DILIGENT, EXPERT_ROLE, "failed_diligent"),
    transition("not_diligent", {MS.DILIGENCE}, MS.FAILED, EXPERT_ROLE, "failed"),
)

TRANSFER: tuple[Transition, ...] = (
    transition("confirm", {"recorded"}, "confirmed", OPERATOR, "confirmed"),
    transition("reject", {"recorded"}, "rejected", OPERATOR, "rejected"),
)
