"""What the claim pages share: loading a claim the viewer may see, its labels, parsing a version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from techmarket.contracts.views.common import actor
from techmarket.core.inputs import parse_int
from techmarket.extensions import db
from techmarket.incentives.claims import access
from techmarket.incentives.claims import workflow as wf
from techmarket.incentives.claims.forms import ROLE_LABELS
from techmarket.incentives.claims.models import SubsidyClaim
from techmarket.policy.money import to_decimal

ACTION_LABELS = {
    "submit": "Submit", "withdraw": "Withdraw", "pre_pass": "Pass the pre-review", "pre_return": "Return for material",
    "pre_refuse": "Refuse", "city_pass": "Pass the review", "city_return": "Return for material",
    "city_refuse": "Refuse", "approve": "Approve", "return": "Return for material", "refuse": "Refuse",
    "publish": "Publish (公示)", "create": "Created", "reduce": "Reduced to the budget",
    "suspend": "Taken out of publicity", "list": "Listed for disbursement",
    "rescind": "Withdrawn: contract rescinded", "contract_rescinded": "Contract rescinded after listing",
}


def claim_context() -> dict[str, Any]:
    return {"claim_status": lambda s: wf.STATUS_LABELS.get(wf.Status(s), s), "claim_role": ROLE_LABELS.get,
            "ClaimStatus": wf.Status}


def load(claim_id: int) -> SubsidyClaim:
    return access.get(db.session, actor(), claim_id)


def version_of(raw: Any) -> int | None:
    return parse_int(raw, lo=0)


def amount_or_none(raw: str | None) -> Decimal | None:
    """A typed amount, or ``None`` when blank; ``ValueError`` when it is not a number."""
    if raw is None or not str(raw).strip():
        return None
    return to_decimal(raw)
