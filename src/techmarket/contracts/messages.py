"""Notification texts of the contract domain (each person reads them in their own language)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "contract_submitted": _l("Contract “%(title)s” was submitted for registration."),
    "contract_registered": _l("Contract “%(title)s” is registered under number %(number)s."),
    "contract_returned": _l("Contract “%(title)s” was returned for missing material: %(reason)s"),
    "contract_refused": _l("Registration of contract “%(title)s” was refused: %(reason)s"),
    "contract_amended": _l("A registrar recorded an amendment to contract “%(title)s”: %(reason)s"),
    "contract_rescinded": _l("Contract “%(title)s” was recorded as rescinded: %(reason)s"),
    "contract_cancelled": _l("Contract “%(title)s” was cancelled with its deal and stays closed: %(reason)s"),
    "payment_confirmed": _l("A payment of %(amount)s yuan under contract “%(title)s” was confirmed."),
    "payment_rejected": _l("A payment under contract “%(title)s” was not confirmed: %(reason)s"),
    "disbursement_notice": _l("A disbursement of %(amount)s yuan for your %(year)s statement is due by %(due)s."),
}
