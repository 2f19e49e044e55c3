"""The organisation's yearly statement (issue 6; POLICY.md §2.1, §2.5, §2.7, §3).

For an organisation and a tax year: its contracts registered in that year and, from them, through the
policy engine over the stored rule book (:func:`techmarket.rulesets.services.calculate`, never a second
implementation), the technology-transfer income tax exemption as seller, the transaction post-subsidy as
buyer, seller or agency, and the broker/agency attribution totals. A saved statement is a snapshot: later
rule or contract changes never alter it (contract changes add a :class:`StatementFlag`). The operator pays
post-subsidies from saved statements within the 30-working-day deadline of clause (二十二).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, selectinload

from techmarket.contracts import constants as cat
from techmarket.contracts.models import Contract, ContractParty
from techmarket.contracts.services import STAFF, member_org_ids
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.errors import NotFound, PermissionDenied, ValidationFailed
from techmarket.core.inputs import parse_int
from techmarket.core.roles import Role
from techmarket.incentives.models import Statement
from techmarket.orgs.constants import OrgType, RegionKind
from techmarket.orgs.models import Membership, Organisation
from techmarket.policy import RuleBook
from techmarket.policy.money import jsonable
from techmarket.policy.typed import Outcome, SubsidyInput, TransferContractInput, TransferTaxInput
from techmarket.rulesets.services import evaluate, rulebook

MIN_TAX_YEAR = 2000
MAX_LABEL = 200
TRANSFER_TAX = "transfer-income-tax"
SUBSIDY = "transaction-subsidy"
DEADLINE = "disbursement-deadline"
#: What the organisation supplies per transfer contract (technology_receipts corrects the estimate).
COST_FIELDS = ("technology_receipts", "tax_basis", "accumulated_amortization", "amortization_for_year",
               "related_taxes", "apportioned_period_expenses")
ROLES = ("buyer", "seller", "agency")
ATTRIBUTION_CITATION = {
    "clause": "(十一)",
    "text": "加强技术转移机构建设。鼓励和支持专业化技术转移服务机构建设，对新认定的国家级技术转移服务机构、"
            "人才培养基地和绩效突出的职业经理人给予一次性支持和奖励。",
}


class _Bilingual:
    """A calculator message ``{"en", "zh"}`` shown in the reader's language when rendered."""

    def __init__(self, message: Mapping[str, str]) -> None:
        self.message = message

    def __str__(self) -> str:
        locale = get_locale()
        zh = locale is None or locale.language == "zh"
        return str(self.message.get("zh" if zh else "en") or self.message.get("en", ""))


def cost_key(contract_id: int, field: str) -> str:
    """The form field (and error key) of one cost figure of one contract."""
    return f"cost_{contract_id}_{field}"


# --- who may see and save ---------------------------------------------------------------------------------


def can_view(session: Session, actor: Actor, org_id: int) -> bool:
    return actor.has(*STAFF) or org_id in member_org_ids(session, actor.user_id)


def require_view(session: Session, actor: Actor, org: Organisation) -> None:
    if not can_view(session, actor, org.id):
        raise PermissionDenied(_l("Only members of the organisation, the registrars and the market operator see "
                                  "its statements."))


def require_member(session: Session, actor: Actor, org: Organisation) -> None:
    if org.id not in member_org_ids(session, actor.user_id):
        raise PermissionDenied(_l("Only members of the organisation save its statements."))


def require_staff(actor: Actor) -> None:
    if not actor.has(*STAFF):
        raise PermissionDenied(_l("Only the registrars and the market operator see all statements."))


def require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator records and pays disbursements."))


def tax_year(raw: Any, *, today: dt.date | None = None) -> int:
    """A tax year from 2000 to the current year, or a :class:`ValidationFailed` on ``tax_year``."""
    last = (today or local_today()).year
    text = str(raw).strip() if raw is not None else ""
    year = parse_int(text, lo=1000, hi=9999)
    if year is None or not MIN_TAX_YEAR <= year <= last:
        msg = _l("Enter a tax year from %(a)d to %(b)d.", a=MIN_TAX_YEAR, b=last)
        raise ValidationFailed(msg, field_errors={"tax_year": msg})
    return year


# --- computing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gathered:
    """The organisation's contracts of the year: registered ones with its roles, and the excluded ones."""

    included: list[tuple[Contract, list[str]]]
    excluded: list[Contract]

    @property
    def transfers(self) -> list[Contract]:
        """Contracts it sold whose subtype is a transfer or licence (the income tax exemption)."""
        return [c for c, roles in self.included if "seller" in roles and _tax_kind(c) is not None]


def _tax_kind(contract: Contract) -> str | None:
    sub = cat.subtype(contract.type_code, contract.subtype_code)
    return sub.tax_kind if sub is not None else None


def gather(session: Session, org: Organisation, year: int) -> Gathered:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    ids = select(ContractParty.contract_id).where(ContractParty.organisation_id == org.id)
    in_year = or_(Contract.registered_on.between(start, end), Contract.signed_on.between(start, end))
    rows = session.scalars(select(Contract).options(selectinload(Contract.parties), selectinload(Contract.payments))
                           .where(Contract.id.in_(ids), in_year)
                           .order_by(Contract.registered_on, Contract.signed_on, Contract.id)).all()
    included, excluded = [], []
    for contract in rows:
        registered_in_year = contract.registered_on is not None and start <= contract.registered_on <= end
        if contract.status == cat.Status.REGISTERED and registered_in_year:
            included.append((contract, [p.role for p in contract.parties if p.organisation_id == org.id]))
        elif contract.status != cat.Status.REGISTERED:
            excluded.append(contract)
    return Gathered(included, excluded)


def _kind(contract: Contract) -> str:
    if _tax_kind(contract) == "ownership":
        return "ownership"
    return "exclusive_licence" if contract.exclusivity == "exclusive" else "nonexclusive_licence"


def _calc_id(contract: Contract) -> str:
    return contract.registration_number or f"#{contract.id}"


def _clean_costs(transfers: list[Contract], costs: Mapping[int, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    """What the organisation typed, kept as text (blank figures are left out)."""
    cleaned: dict[str, dict[str, str]] = {}
    for contract in transfers:
        given = costs.get(contract.id) or {}
        row = {f: str(given[f]).strip() for f in COST_FIELDS if given.get(f) is not None and str(given[f]).strip()}
        cleaned[str(contract.id)] = row
    return cleaned


def _transfer(session: Session, book: RuleBook, year: int, transfers: list[Contract],
              cleaned: Mapping[str, Mapping[str, str]], cit_rate: str | None, today: dt.date) -> Outcome | None:
    if not transfers:
        return None
    rows = []
    for contract in transfers:
        sub = cat.subtype(contract.type_code, contract.subtype_code)
        given = cleaned[str(contract.id)]
        rows.append(TransferContractInput(
            id=_calc_id(contract), kind=_kind(contract), subject=sub.tax_subject if sub else None,
            licence_years=contract.licence_years or 0,
            related_party_holding_pct=contract.related_holding_pct or Decimal(0),
            technology_receipts=given.get("technology_receipts", str(contract.technical_amount)),
            tax_basis=given.get("tax_basis", "0"),
            accumulated_amortization=given.get("accumulated_amortization", "0"),
            amortization_for_year=given.get("amortization_for_year", "0"),
            related_taxes=given.get("related_taxes", "0"),
            apportioned_period_expenses=given.get("apportioned_period_expenses", "0"),
        ))
    inputs = TransferTaxInput(tax_year=year, contracts=tuple(rows), cit_rate=cit_rate or None)
    try:
        return evaluate(session, TRANSFER_TAX, inputs, today=today, rules=book)
    except ValidationFailed as exc:
        raise _placed(exc, transfers) from exc


def _placed(exc: ValidationFailed, transfers: list[Contract]) -> ValidationFailed:
    """The calculator's errors (``contracts[0].tax_basis``) moved to the statement form's fields."""
    errors: dict[str, Any] = {}
    for path, message in exc.field_errors.items():
        text = _Bilingual(message) if isinstance(message, Mapping) else message
        head, _dot, field = path.partition("].")
        if head.startswith("contracts[") and head[10:].isdigit() and int(head[10:]) < len(transfers):
            key = cost_key(transfers[int(head[10:])].id, field) if field in COST_FIELDS else "__all__"
        else:
            key = path if path in ("cit_rate", "tax_year") else "__all__"
        errors.setdefault(key, text)
    general = errors.pop("__all__", None)
    return ValidationFailed(general or _l("Please correct the marked fields."), field_errors=errors)


def _window_missed(outcome: Outcome, registered_on: dt.date) -> bool:
    return outcome.met("window") is False and registered_on > dt.date.fromisoformat(outcome.raw["window"]["end"])


def _subsidy(session: Session, book: RuleBook, org: Organisation, contract: Contract, role: str, year: int,
             today: dt.date) -> dict[str, Any] | None:
    sub = cat.subtype(contract.type_code, contract.subtype_code)
    if sub is None or contract.registered_on is None:
        return None
    paid = contract.confirmed_paid
    amount = min(paid, contract.technical_amount) if role == "buyer" else contract.technical_amount
    inputs = SubsidyInput(
        role=role, technical_transaction_amount=amount, contract_type=sub.policy_type,
        registration_date=contract.registered_on, claim_year=year + 1, paid=paid > 0,
        claimant_in_region=org.region_kind == RegionKind.LOCAL,
        recognised_agency=org.org_type == OrgType.TRANSFER_AGENCY if role == "agency" else None)
    outcome = evaluate(session, SUBSIDY, inputs, today=today, rules=book)
    if _window_missed(outcome, contract.registered_on):  # registered after 31 Oct: the next claim year's window
        outcome = evaluate(session, SUBSIDY, replace(inputs, claim_year=year + 2), today=today, rules=book)
    return {"contract_id": contract.id, "role": role, "amount": amount, "paid": paid, "result": dict(outcome.raw)}


def _union(results: Iterable[Mapping[str, Any]], key: str, ident: tuple[str, ...]) -> list[dict[str, Any]]:
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for result in results:
        for entry in result.get(key, []):
            seen.setdefault(tuple(entry.get(k) for k in ident), dict(entry))
    return list(seen.values())


def compute(session: Session, org: Organisation, year_raw: Any, costs: Mapping[int, Mapping[str, Any]],
            cit_rate: str | None = None, *, today: dt.date | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(inputs, result)`` of the statement of ``org`` for a tax year; bad figures raise
    :class:`ValidationFailed` keyed by :func:`cost_key`, ``cit_rate`` or ``tax_year``."""
    today = today or local_today()
    year = tax_year(year_raw, today=today)
    found = gather(session, org, year)
    book = rulebook(session)  # once for every calculation of the statement
    cleaned = _clean_costs(found.transfers, costs)
    cit_rate = (cit_rate or "").strip() or None
    outcome = _transfer(session, book, year, found.transfers, cleaned, cit_rate, today)
    transfer = dict(outcome.raw) if outcome is not None else None
    subsidies = [s for c, roles in found.included for role in ROLES if role in roles
                 if (s := _subsidy(session, book, org, c, role, year, today)) is not None]
    totals = {role: sum((Decimal(s["result"]["subsidy"]) for s in subsidies if s["role"] == role), Decimal(0))
              for role in ROLES}
    attribution = {}
    for role in ("broker", "agency"):
        rows = [c for c, roles in found.included if role in roles]
        attribution[role] = {"count": len(rows), "amount": sum((c.technical_amount for c in rows), Decimal(0))}
    used = [r for r in [transfer, *(s["result"] for s in subsidies)] if r is not None]
    result = {
        "tax_year": year, "claim_year": year + 1, "computed_on": today,
        "organisation": {"id": org.id, "name": org.name, "credit_code": org.credit_code,
                         "region_kind": org.region_kind, "org_type": org.org_type},
        "contracts": [{
            "id": c.id, "title": c.title, "registration_number": c.registration_number,
            "registered_on": c.registered_on, "type_code": c.type_code, "subtype_code": c.subtype_code,
            "roles": roles, "technical_amount": c.technical_amount, "confirmed_paid": c.confirmed_paid,
        } for c, roles in found.included],
        "excluded": [{"id": c.id, "title": c.title, "status": c.status, "registration_number": c.registration_number,
                      "reason": "earns_no_benefit"} for c in found.excluded],
        "transfer": None if transfer is None else {
            "contract_ids": [c.id for c in found.transfers], "result": transfer},
        "subsidies": subsidies,
        "subsidy_totals": {**totals, "total": sum(totals.values(), Decimal(0))},
        "attribution": {**attribution, "citation": ATTRIBUTION_CITATION},
        "citations": [*_union(used, "citations", ("clause", "text")), ATTRIBUTION_CITATION],
        "rule_sets": _union(used, "rule_sets", ("name", "version")),
    }
    inputs = {"tax_year": year, "cit_rate": cit_rate, "costs": cleaned}
    return jsonable(inputs), jsonable(result)


def save(session: Session, actor: Actor, org: Organisation, year_raw: Any, costs: Mapping[int, Mapping[str, Any]],
         cit_rate: str | None = None, label: str = "", *, today: dt.date | None = None) -> Statement:
    """Compute again from the figures given and save the snapshot with the rule-set versions it used."""
    require_member(session, actor, org)
    label = (label or "").strip()
    if len(label) > MAX_LABEL:
        msg = _l("At most %(n)d characters.", n=MAX_LABEL)
        raise ValidationFailed(msg, field_errors={"label": msg})
    inputs, result = compute(session, org, year_raw, costs, cit_rate, today=today)
    saved = Statement(organisation_id=org.id, tax_year=result["tax_year"], label=label, inputs=inputs,
                      result=result, rule_sets=result["rule_sets"],
                      contract_ids=[c["id"] for c in result["contracts"]], created_by_id=actor.user_id)
    session.add(saved)
    session.flush()
    audit.record(session, actor, "contract_statement", saved.id, "create", None, {
        "organisation_id": org.id, "tax_year": saved.tax_year, "contract_ids": saved.contract_ids,
        "rule_sets": [{"name": r["name"], "version": r["version"]} for r in saved.rule_sets],
        "subsidy_total": result["subsidy_totals"]["total"],
    })
    return saved


# --- reading ------------------------------------------------------------------------------------------------


def get(session: Session, actor: Actor, statement_id: int) -> Statement:
    """A saved statement the actor may see; :class:`NotFound` otherwise (a stranger learns nothing)."""
    saved = session.get(Statement, statement_id)
    if saved is None or not can_view(session, actor, saved.organisation_id):
        raise NotFound(_l("No such statement."))
    return saved


def of_user(user_id: int | None) -> Select[Any]:
    orgs = select(Membership.organisation_id).where(Membership.user_id == user_id)
    return select(Statement).where(Statement.organisation_id.in_(orgs)).order_by(
        Statement.created_at.desc(), Statement.id.desc())


def everything(actor: Actor, org: str | None = None, year: int | None = None) -> Select[Any]:
    """Every organisation's statements, newest first (staff only), filtered by organisation name and year."""
    require_staff(actor)
    stmt = select(Statement).join(Organisation, Statement.organisation_id == Organisation.id)
    if org:
        stmt = stmt.where(Organisation.name.ilike(f"%{org.replace('%', '').replace('_', '')}%"))
    if year:
        stmt = stmt.where(Statement.tax_year == year)
    return stmt.order_by(Statement.created_at.desc(), Statement.id.desc())


def subsidy_total(saved: Statement) -> Decimal:
    return Decimal(str((saved.result.get("subsidy_totals") or {}).get("total", "0")))
