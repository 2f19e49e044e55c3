"""The claimant's side: which contracts can be claimed in the open claim year, a new claim with its amount
computed through the stored rule set (snapshotted with the rule-set versions), submitting and withdrawing.

The claim year is the one whose registration window (POLICY.md §2.5: 1 Nov of the year before last to 31 Oct of
last year, parameters of ``transaction-subsidy``) closed most recently: contracts registered in it are claimed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from techmarket.contracts import constants as cat
from techmarket.contracts.models import Contract, ContractParty, Payment
from techmarket.contracts.services import member_org_ids
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.workflow import apply
from techmarket.incentives.claims import workflow as wf
from techmarket.incentives.claims.machine import MACHINE, MAX_REASON
from techmarket.incentives.claims.models import ClaimContract, ClaimStep, SubsidyClaim
from techmarket.orgs.constants import OrgType, RegionKind
from techmarket.orgs.models import Organisation
from techmarket.policy import RuleBook
from techmarket.policy.calculators.common import year_end
from techmarket.policy.calculators.subsidy import window
from techmarket.policy.defaults import SUBSIDY_BUDGET, TRANSACTION_SUBSIDY
from techmarket.policy.money import jsonable, money
from techmarket.policy.typed import Outcome, SubsidyInput
from techmarket.rulesets.services import evaluate, rulebook

ROLES = ("buyer", "seller", "agency")
SUBSIDY = "transaction-subsidy"
MAX_STATEMENT = 4000


def claim_window(book: RuleBook, year: int) -> tuple[dt.date, dt.date]:
    return window(book.resolve(TRANSACTION_SUBSIDY, year_end(year)), year)


def open_claim_year(book: RuleBook, today: dt.date) -> int:
    """The claim year whose registration window closed most recently (before ``today``)."""
    for year in (today.year + 1, today.year):
        if claim_window(book, year)[1] < today:
            return year
    return today.year - 1


@dataclass(frozen=True)
class Candidate:
    contract: Contract
    vouchers: list[Payment]
    """Confirmed payments (the buyer's 交易凭证)."""
    claimed_by: int | None
    """The claim of this organisation and year that already counts the contract."""


def candidates(session: Session, org: Organisation, role: str, year: int, book: RuleBook) -> list[Candidate]:
    """The organisation's registered contracts in ``role`` whose registration date lies in the year's window."""
    start, end = claim_window(book, year)
    contracts = session.scalars(
        select(Contract).join(ContractParty, ContractParty.contract_id == Contract.id)
        .where(ContractParty.organisation_id == org.id, ContractParty.role == role,
               Contract.status == cat.Status.REGISTERED, Contract.registered_on.between(start, end))
        .order_by(Contract.registered_on, Contract.id)).unique().all()
    counted = dict(session.execute(
        select(ClaimContract.contract_id, ClaimContract.claim_id).where(
            ClaimContract.organisation_id == org.id, ClaimContract.counted_year == year)).all())
    return [Candidate(c, [p for p in c.payments if p.status == "confirmed"], counted.get(c.id)) for c in contracts]


def _division(org: Organisation) -> tuple[str | None, str | None]:
    division = org.division
    if division is None:
        return None, None
    if division.level == "county":
        return division.code, division.parent_code
    return (None, division.code) if division.level == "prefecture" else (None, None)


def _compute_one(session: Session, book: RuleBook, org: Organisation, role: str, year: int, contract: Contract,
                 vouchers: Sequence[Payment]) -> tuple[Decimal, Outcome]:
    sub = cat.subtype(contract.type_code, contract.subtype_code)
    if sub is None or contract.registered_on is None:
        raise ValidationFailed(_l("Contract %(n)s has no type the subsidy knows.", n=contract.registration_number))
    paid = sum((p.amount for p in vouchers), Decimal(0))
    amount = money(min(paid, contract.technical_amount)) if role == "buyer" else contract.technical_amount
    outcome = evaluate(session, SUBSIDY, SubsidyInput(
        role=role, technical_transaction_amount=amount, contract_type=sub.policy_type,
        registration_date=contract.registered_on, claim_year=year, paid=paid > 0,
        claimant_in_region=org.region_kind == RegionKind.LOCAL,
        recognised_agency=org.org_type == OrgType.TRANSFER_AGENCY if role == "agency" else None), rules=book)
    return amount, outcome


def _unmet(outcome: Outcome) -> str:
    locale = get_locale()
    return "；".join(reasons_unmet(outcome.raw, locale is None or locale.language == "zh"))


def create(session: Session, actor: Actor, org: Organisation, role: str, contract_ids: Iterable[int],
           voucher_ids: Iterable[int] = (), requested: Decimal | None = None, statement: str = "", *,
           today: dt.date) -> SubsidyClaim:
    """A draft claim of ``org`` in ``role`` for the open claim year with the chosen registered contracts (and,
    for a buyer, the confirmed payments as vouchers); every contract must meet the subsidy's conditions."""
    if org.id not in member_org_ids(session, actor.user_id):
        raise PermissionDenied(_l("Only members of the organisation claim for it."))
    if org.status != "verified":
        raise PermissionDenied(_l("The organisation must be verified by the operator before it claims."))
    if role not in ROLES:
        raise ValidationFailed(_l("Choose the role you claim in."), field_errors={"role": _l("Choose a role.")})
    book = rulebook(session)
    year = open_claim_year(book, today)
    found = {c.contract.id: c for c in candidates(session, org, role, year, book)}
    chosen = list(dict.fromkeys(int(i) for i in contract_ids))
    errors: dict[str, Any] = {}
    if not chosen:
        errors["contracts"] = _l("Choose at least one registered contract.")
    if any(i not in found for i in chosen):
        errors["contracts"] = _l("Only your registered contracts of the claim window can be chosen.")
    statement = (statement or "").strip()
    if len(statement) > MAX_STATEMENT:
        errors["statement"] = _l("At most %(n)d characters.", n=MAX_STATEMENT)
    if requested is not None and requested <= 0:
        errors["requested"] = _l("Enter the amount you request, more than zero (or leave it blank).")
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    twice = [found[i] for i in chosen if found[i].claimed_by is not None]
    if twice:
        raise Conflict(_l("Contract %(n)s is already counted by your claim #%(claim)d for %(year)d: a contract counts "
                          "once per claimant and year.", n=twice[0].contract.registration_number,
                          claim=twice[0].claimed_by, year=year))
    vouchers = {int(v) for v in voucher_ids}
    rows, problems = [], []
    for cid in chosen:
        cand = found[cid]
        used = [p for p in cand.vouchers if p.id in vouchers] if role == "buyer" else []
        if role == "buyer" and not used:
            problems.append(str(_l("%(n)s: choose the payment vouchers (confirmed payments) you claim for.",
                                   n=cand.contract.registration_number)))
            continue
        amount, outcome = _compute_one(session, book, org, role, year, cand.contract, used)
        if not outcome.raw.get("eligible"):
            problems.append(f"{cand.contract.registration_number}: {_unmet(outcome)}")
            continue
        rows.append(ClaimContract(contract_id=cid, organisation_id=org.id, counted_year=year,
                                  payment_ids=[p.id for p in used], amount=amount,
                                  subsidy=outcome.amount("subsidy"), result=jsonable(dict(outcome.raw))))
    if problems:
        raise ValidationFailed(_l("Some contracts cannot be claimed: %(why)s", why="；".join(problems)),
                               field_errors={"contracts": "；".join(problems)})
    computed = money(sum((r.subsidy for r in rows), Decimal(0)))
    procedure = book.resolve(SUBSIDY_BUDGET, year_end(year))
    county, prefecture = _division(org)
    used_sets = {(u["name"], u["version"]): u for r in rows for u in r.result.get("rule_sets", [])}
    used_sets[(procedure.name, procedure.version)] = {"name": procedure.name, "version": procedure.version}
    claim = SubsidyClaim(
        organisation_id=org.id, role=role, claim_year=year, status=wf.Status.DRAFT, division_code=county,
        prefecture_code=prefecture, city_review=bool(procedure.get("city_review")),
        requested_amount=money(requested) if requested is not None else computed, computed_amount=computed,
        statement=statement, result={"contracts": [r.result for r in rows], "computed": str(computed)},
        rule_sets=[{"name": n, "version": v} for (n, v) in sorted(used_sets)], created_by_id=actor.user_id,
        contracts=rows)
    session.add(claim)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # another request counted the same contract a moment ago
        raise Conflict(_l("A contract of this claim was just counted by another claim of your organisation for "
                          "%(year)d: a contract counts once per claimant and year.", year=year)) from exc
    session.add(ClaimStep(claim_id=claim.id, action="create", status=claim.status, actor_id=actor.user_id,
                          actor_label=actor.label))
    audit.record(session, actor, "subsidy_claim", claim.id, "create", None, {
        "organisation_id": org.id, "role": role, "claim_year": year, "contracts": chosen,
        "requested": claim.requested_amount, "computed": computed, "rule_sets": claim.rule_sets})
    return claim


def submit(session: Session, actor: Actor, claim: SubsidyClaim, *, expected_version: int | None = None) -> None:
    apply(session, actor, MACHINE, claim, "submit", expected_version=expected_version)


def withdraw(session: Session, actor: Actor, claim: SubsidyClaim, reason: str, *,
             expected_version: int | None = None) -> None:
    apply(session, actor, MACHINE, claim, "withdraw", expected_version=expected_version, reason=reason[:MAX_REASON])


def reasons_unmet(result: Mapping[str, Any], zh: bool) -> list[str]:
    return [str(r.get("zh" if zh else "en")) for r in result.get("reasons", []) if not r.get("met")]
