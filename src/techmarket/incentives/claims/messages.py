"""Notification texts of subsidy claims (each person reads them in their own language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "claim_to_review": _l("Subsidy claim #%(id)s of %(org)s (%(year)s) awaits your review."),
    "claim_returned": _l("Your subsidy claim #%(id)s was returned for material: %(reason)s"),
    "claim_refused": _l("Your subsidy claim #%(id)s was refused: %(reason)s"),
    "claim_approved": _l("Your subsidy claim #%(id)s was approved: %(amount)s yuan."),
    "claim_reduced": _l("The grant of your subsidy claim #%(id)s was reduced pro rata to the year's budget: "
                        "%(amount)s yuan."),
    "claim_published": _l("Your subsidy claim #%(id)s is in publicity until %(until)s."),
    "claim_suspended": _l("Your subsidy claim #%(id)s was taken out of publicity after an objection: %(reason)s"),
    "claim_listed": _l("Your subsidy claim #%(id)s entered the disbursement list: %(amount)s yuan."),
    "claim_withdrawn_rescinded": _l("Your subsidy claim #%(id)s was withdrawn: %(reason)s"),
    "claim_rescinded_listed": _l("A contract of subsidy claim #%(id)s, already listed for disbursement, was "
                                 "rescinded: %(reason)s"),
}
