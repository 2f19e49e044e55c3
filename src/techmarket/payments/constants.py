"""Labels of the payment pages (English msgids, Chinese in the catalogue)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "pending": _l("Starting"),
    "requires_action": _l("Waiting for the payer"),
    "authorised": _l("Held on the card"),
    "succeeded": _l("Payment completed"),
    "refunded": _l("Refunded"),
    "cancelled": _l("Cancelled"),
    "failed": _l("Failed"),
}

PURPOSE_LABELS = {"deposit": _l("Auction deposit"), "instalment": _l("Contract instalment")}

GATEWAY_LABELS = {"stripe": _l("Card (Stripe)"), "offline": _l("Bank transfer")}
