"""What follows a claim's state change and a contract's rescission (registered by create_app):

- ``contract.rescinded`` withdraws every live claim that counts the contract, saying so (a claim already listed
  for disbursement keeps its state and gets a step the operator sees);
- ``subsidy_claim.*`` writes the claim's history and tells the claimant and the next reviewers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.models import BureauArea, User, UserRole
from techmarket.accounts.notifications import notify
from techmarket.contracts.models import Contract
from techmarket.core import events
from techmarket.core.actor import Actor
from techmarket.core.events import DomainEvent
from techmarket.core.roles import Role
from techmarket.core.workflow import apply
from techmarket.incentives.claims import workflow as wf
from techmarket.incentives.claims.machine import MACHINE
from techmarket.incentives.claims.models import ClaimContract, ClaimStep, SubsidyClaim
from techmarket.orgs.models import Membership


def withdraw_rescinded(session: Session, event: DomainEvent) -> None:
    contract: Contract = event.subject
    why = str(event.data.get("reason") or "").strip()
    reason = f"合同 {contract.registration_number} 已撤销登记 / contract rescinded" + (f"：{why}" if why else "")
    claims = session.scalars(select(SubsidyClaim).join(ClaimContract, ClaimContract.claim_id == SubsidyClaim.id)
                             .where(ClaimContract.contract_id == contract.id)).unique().all()
    system = Actor.system("contract rescinded")
    for claim in claims:
        if MACHINE.allowed(claim, "rescind"):
            apply(session, system, MACHINE, claim, "rescind", reason=reason[:2000])
        elif claim.status == wf.Status.LISTED:
            session.add(ClaimStep(claim_id=claim.id, action="contract_rescinded", status=claim.status,
                                  actor_label=system.label, reason=reason[:2000]))
            notify(session, _users_with(session, Role.OPERATOR), "claim_rescinded_listed",
                   {"id": claim.id, "reason": reason[:300]}, "claims.detail", claim_id=claim.id)


def write_step(session: Session, event: DomainEvent) -> None:
    claim: SubsidyClaim = event.subject
    session.add(ClaimStep(claim_id=claim.id, action=str(event.data.get("action")), status=claim.status,
                          actor_id=event.actor.user_id, actor_label=event.actor.label,
                          reason=str(event.data.get("reason") or "")[:2000]))


def _users_with(session: Session, role: Role, division_code: str | None = None) -> set[int]:
    query = select(UserRole.user_id).join(User, User.id == UserRole.user_id).where(UserRole.role == role.value,
                                                                                   User.active.is_(True))
    if division_code is not None:
        query = query.join(BureauArea, BureauArea.user_id == UserRole.user_id).where(
            BureauArea.division_code == division_code)
    return set(session.scalars(query))


def _claimant_users(session: Session, claim: SubsidyClaim) -> set[int]:
    return set(session.scalars(select(Membership.user_id).where(Membership.organisation_id == claim.organisation_id)))


def reviewers_of(session: Session, claim: SubsidyClaim) -> set[int]:
    """Who decides the claim in its current state."""
    if claim.status == wf.Status.COUNTY_REVIEW and claim.division_code:
        return _users_with(session, Role.COUNTY_BUREAU, claim.division_code)
    if claim.status == wf.Status.CITY_REVIEW and claim.prefecture_code:
        return _users_with(session, Role.CITY_BUREAU, claim.prefecture_code)
    if claim.status in (wf.Status.OPERATOR_REVIEW, wf.Status.APPROVED):
        return _users_with(session, Role.OPERATOR)
    return set()


_TO_CLAIMANT = {"returned", "refused", "approved", "reduced", "published", "suspended", "listed",
                "withdrawn_rescinded"}
_TO_REVIEWERS = {"submitted", "resubmitted", "pre_reviewed", "city_reviewed", "suspended"}


def tell(session: Session, event: DomainEvent) -> None:
    claim: SubsidyClaim = event.subject
    params: dict[str, Any] = {"id": claim.id, "org": claim.organisation.name, "year": claim.claim_year,
                              "reason": str(event.data.get("reason") or "")[:300],
                              "amount": f"{claim.granted_amount or 0:,.2f}",
                              "until": claim.publicity_until.isoformat() if claim.publicity_until else ""}
    if event.verb in _TO_CLAIMANT:
        notify(session, _claimant_users(session, claim), f"claim_{event.verb}", params, "claims.detail",
               claim_id=claim.id)
    if event.verb in _TO_REVIEWERS:
        notify(session, reviewers_of(session, claim) - {event.actor.user_id or 0}, "claim_to_review", params,
               "claims.detail", claim_id=claim.id)


def register() -> None:
    events.on("contract.rescinded", withdraw_rescinded)
    events.on("subsidy_claim.*", write_step)
    events.on("subsidy_claim.*", tell)
