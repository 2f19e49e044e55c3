"""Notification texts of the challenges domain (each person reads them in their own language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "call_submitted": _l("Call “%(title)s” was submitted for review."),
    "call_published": _l("Your call “%(title)s” is published and open for applications."),
    "call_returned": _l("Your call “%(title)s” was returned: %(reason)s"),
    "call_closed": _l("The application deadline of call “%(title)s” has passed: the review begins."),
    "call_results_publicised": _l("The proposed results of call “%(title)s” are in publicity until %(until)s."),
    "call_review_reopened": _l("The review of call “%(title)s” was reopened after an objection: %(reason)s"),
    "call_awarded": _l("The award of call “%(title)s” is final."),
    "call_closed_without_award": _l("Call “%(title)s” was closed without an award: %(reason)s"),
    "application_received": _l("%(org)s applied to your call “%(title)s”."),
    "application_passed_formal_check": _l("Your application to “%(title)s” passed the formal check."),
    "application_failed_formal_check": _l("Your application to “%(title)s” failed the formal check: %(reason)s"),
    "application_awarded": _l("Your application to “%(title)s” won the award."),
    "application_not_awarded": _l("Your application to “%(title)s” was not awarded."),
    "member_invited": _l("%(org)s invites your organisation to apply jointly to “%(title)s”."),
    "member_confirmed": _l("%(org)s confirmed its membership of your application to “%(title)s”."),
    "member_declined": _l("%(org)s declined to join your application to “%(title)s”."),
    "review_assigned": _l("You are asked to review an application to “%(title)s”."),
    "review_recused": _l("An expert was recused from reviewing an application to “%(title)s”: %(reason)s"),
    "question_asked": _l("A question was asked about your call “%(title)s”."),
    "question_answered": _l("A clarification was published for call “%(title)s”."),
    "objection_raised": _l("An objection was raised to the results of call “%(title)s”."),
    "objection_decided": _l("Your objection to the results of “%(title)s” was decided: %(reason)s"),
    "milestone_delivered": _l("Milestone %(seq)s of “%(title)s” was delivered: please accept or reject it."),
    "milestone_accepted": _l("Milestone %(seq)s of “%(title)s” was accepted; its part of the bounty will be released."),
    "milestone_rejected": _l("Milestone %(seq)s of “%(title)s” was not accepted: %(reason)s"),
    "milestone_sent_to_expert": _l("The final milestone of “%(title)s” awaits an expert acceptance."),
    "milestone_diligence_requested": _l("A diligence review was requested for milestone %(seq)s of “%(title)s”."),
    "milestone_failed_diligent": _l("Milestone %(seq)s of “%(title)s”: failed but diligent, no negative evaluation."),
    "milestone_failed": _l("Milestone %(seq)s of “%(title)s” was recorded as not met: %(reason)s"),
    "transfer_recorded": _l("A bank transfer for “%(title)s” awaits your confirmation."),
    "call_deadline_soon": _l("The application deadline of “%(title)s” is in %(days)s days."),
}
