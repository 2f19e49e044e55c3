"""The payment's states and the steps between them (pure data; :mod:`techmarket.payments.services` applies them).

``pending`` (created, the gateway not asked yet) → ``requires_action`` (the payer must transfer or authenticate)
or ``authorised`` (held on the card) → ``succeeded`` (taken; a hold is *captured*) → ``refunded``; or
``cancelled`` (a hold released, an abandoned payment) or ``failed`` (declined, a receipt rejected).

``gateway`` steps are taken by the system on what the gateway reports (its answer or a verified webhook); the
operator confirms or rejects bank transfers; the payer uploads receipts.
"""

from __future__ import annotations

from techmarket.core.transitions import Transition, transition

GATEWAY, OPERATOR, PAYER = "gateway", "operator", "payer"

STARTED = ("pending", "requires_action")

TRANSITIONS: tuple[Transition, ...] = (
    transition("await", {"pending"}, "requires_action", GATEWAY, "awaiting"),
    transition("authorise", STARTED, "authorised", GATEWAY, "authorised"),
    transition("succeed", STARTED, "succeeded", GATEWAY, "succeeded"),
    transition("capture", {"authorised"}, "succeeded", GATEWAY, "captured"),
    transition("fail", STARTED, "failed", GATEWAY, "failed"),
    transition("cancel", {*STARTED, "authorised"}, "cancelled", GATEWAY, "cancelled"),
    transition("refund", {"succeeded"}, "refunded", GATEWAY, "refunded"),
    transition("upload_receipt", {"requires_action"}, "requires_action", PAYER, "receipt_uploaded"),
    transition("confirm", {"requires_action"}, "succeeded", OPERATOR, "succeeded"),
    transition("reject", {"requires_action"}, "failed", OPERATOR, "rejected"),
)

#: The step that brings a payment to what the gateway reports, from each state (None: nothing to do).
TOWARD: dict[str, dict[str, str]] = {
    "requires_action": {"pending": "await"},
    "authorised": {"pending": "authorise", "requires_action": "authorise"},
    "succeeded": {"pending": "succeed", "requires_action": "succeed", "authorised": "capture"},
    "failed": {"pending": "fail", "requires_action": "fail"},
    "cancelled": {"pending": "cancel", "requires_action": "cancel", "authorised": "cancel"},
    "refunded": {"succeeded": "refund"},
}
