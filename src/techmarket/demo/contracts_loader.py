"""Loads the demo technology contracts through the contract services, so each obeys the rules and is audited.

Idempotent: a contract whose title is already there is skipped. Each contract is created by an owner of the
seller, gets a generated PDF as its signed contract, is submitted, and is decided by the demo registrars (two
for a technical transaction amount of 5,000,000 yuan or more); registered ones get instalments paid by bank
transfer and confirmed by the demo operator.

The services date every step today. To spread the demo over this year and last year, the loader then moves the
dates of each contract back to its plan -- submission, deadlines, decisions, registration (with a registration
number of that year), payments -- directly on the models. That is a demo-only shortcut standing in for the
passing of time, done here and nowhere else, and recorded in the audit log as ``demo_backdate``.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User
from techmarket.contracts import documents, numbering, payments, registration, services, workflow
from techmarket.contracts.data import ContractData, InstalmentData, IPData, NonTechData, PartyData
from techmarket.contracts.models import Contract
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import LOCAL_TZ, local_today, utcnow
from techmarket.core.roles import Role
from techmarket.demo.contracts_data import CONTRACTS, EXPERT_OPINION, SECOND_REGISTRAR, DemoContract, Outside
from techmarket.demo.data import DEMO_PASSWORD
from techmarket.demo.loader import demo_code
from techmarket.orgs.constants import MemberRole
from techmarket.orgs.models import Membership, Organisation
from techmarket.policy.calendar import is_working_day

FIRST_REGISTRAR = ("registrar@demo.techmarket.cn", "登记员 李强")
OPERATOR_EMAIL = "operator@demo.techmarket.cn"
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Plan:
    """When each step of a demo contract happened."""

    signed: dt.date
    submitted: dt.date
    decided: dt.date  # registered, returned, refused or withdrawn; the submission while it waits
    first_approval: dt.date | None = None
    rescinded: dt.date | None = None


@dataclass(frozen=True)
class Cast:
    registrars: tuple[Actor, Actor]
    operator: Actor
    pattern: str
    instance_path: str
    max_bytes: int


def load_contracts(session: Session, today: dt.date | None = None) -> int:
    """Create the demo contracts that are not there yet; returns how many were added."""
    today = today or local_today()
    titles = [c.title for c in CONTRACTS]
    existing = set(session.scalars(select(Contract.title).where(Contract.title.in_(titles))))
    todo = [c for c in CONTRACTS if c.title not in existing]
    if not todo:
        return 0
    orgs = {o.name: o for o in session.scalars(select(Organisation))}
    owners = _owners(session)
    cast = Cast(registrars=(_registrar(session, *FIRST_REGISTRAR), _registrar(session, *SECOND_REGISTRAR)),
                operator=_operator(session), pattern=current_app.config.get(
                    "REGISTRATION_NUMBER_PATTERN", registration.DEFAULT_PATTERN),
                instance_path=current_app.instance_path,
                max_bytes=int(current_app.config.get("MAX_UPLOAD_MB", 20)) * 1024 * 1024)
    created = 0
    for n, spec in sorted(enumerate(todo), key=lambda item: (-item[1].days_ago, item[0])):
        seller = orgs.get(spec.seller)
        owner = owners.get(seller.id) if seller is not None else None
        if seller is None or owner is None or not seller.is_verified:
            continue  # the organisation was not loaded: nothing to record for it
        plan = _plan(spec, n, today)
        contract = services.create(session, owner, _data(spec, seller, orgs, plan))
        created += 1
        _drive(session, contract, spec, plan, owner, cast, today)
        _backdate(session, contract, spec, plan, cast.pattern)
    return created


# --- who acts -----------------------------------------------------------------------------------------------------


def _owners(session: Session) -> dict[int, Actor]:
    rows = session.execute(select(Membership.organisation_id, User).join(User, User.id == Membership.user_id)
                           .where(Membership.role == MemberRole.OWNER).order_by(Membership.id)).all()
    owners: dict[int, Actor] = {}
    for org_id, user in rows:
        owners.setdefault(org_id, accounts.actor_for(user))
    return owners


def _registrar(session: Session, email: str, name: str) -> Actor:
    """A demo registrar (the second one exists only for the contracts that need two)."""
    user = accounts.find_by_email(session, email)
    if user is None:
        user = accounts.register(session, email=email, password=DEMO_PASSWORD, name=name, language="zh_Hans_CN",
                                 role=Role.RESEARCHER)
        user.email_confirmed_at = utcnow()
        accounts.set_roles(session, Actor.system("demo"), user, [Role.REGISTRAR])
        session.flush()
    return accounts.actor_for(user)


def _operator(session: Session) -> Actor:
    user = accounts.find_by_email(session, OPERATOR_EMAIL)
    return accounts.actor_for(user) if user is not None else Actor.system("demo operator")


# --- what is written -------------------------------------------------------------------------------------------


def _workday(day: dt.date) -> dt.date:
    """``day`` or the working day before it (registrars do not decide on a holiday)."""
    while not is_working_day(day)[0]:
        day -= DAY
    return day


def _plan(spec: DemoContract, n: int, today: dt.date) -> Plan:
    decided = _workday(today - spec.days_ago * DAY)
    expert = workflow.needs_expert_review(spec.total - sum((a for _c, _d, a in spec.non_tech), Decimal(0)))
    if spec.plan in {"registered", "rescinded"}:
        submitted = _workday(decided - (18 + n % 6 if expert else 7 + n % 5) * DAY)
        first = _workday(decided - 3 * DAY) if expert else None
        rescinded = _workday(today - spec.rescinded_days_ago * DAY) if spec.plan == "rescinded" else None
        return Plan(submitted - (12 + n % 20) * DAY, submitted, decided, first, rescinded)
    if spec.plan in {"submitted", "second_review"}:
        first = _workday(decided + 5 * DAY) if spec.plan == "second_review" else None
        return Plan(decided - (10 + n % 15) * DAY, decided, decided, first)
    if spec.plan == "draft":
        return Plan(decided, decided, decided)
    submitted = _workday(decided - (3 if spec.plan == "withdrawn" else 6 + n % 4) * DAY)
    return Plan(submitted - (8 + n % 10) * DAY, submitted, decided)


def _party(role: str, who: str | Outside, orgs: dict[str, Organisation]) -> PartyData:
    if isinstance(who, Outside):
        return PartyData(role=role, name=who.name, credit_code=demo_code(who.prefix, who.division, who.name),
                         nature=who.nature)
    return PartyData(role=role, organisation_id=orgs[who].id)


def _instalments(total: Decimal, signed: dt.date) -> list[InstalmentData]:
    """30/40/30 at 15, 120 and 270 days after signing; small contracts half and half."""
    if total < Decimal(500000):
        parts = [(Decimal("0.5"), 10, "合同签订后首付款"), (None, 90, "验收合格后尾款")]
    else:
        parts = [(Decimal("0.3"), 15, "合同签订后预付款"), (Decimal("0.4"), 120, "中期成果交付后进度款"),
                 (None, 270, "验收合格后尾款")]
    out, paid = [], Decimal(0)
    for share, days, text in parts:
        amount = (total * share).quantize(Decimal("0.01")) if share is not None else total - paid
        paid += amount
        out.append(InstalmentData(due_on=signed + days * DAY, amount=amount, description=text))
    return out


def _data(spec: DemoContract, seller: Organisation, orgs: dict[str, Organisation], plan: Plan) -> ContractData:
    exclusivity, years = spec.licence or ("", None)
    return ContractData(
        title=spec.title, type_key=spec.type_key, signed_on=plan.signed, total_amount=spec.total,
        seller=PartyData(role="seller", organisation_id=seller.id), buyer=_party("buyer", spec.buyer, orgs),
        agency=_party("agency", spec.agency, orgs) if spec.agency else None, summary=spec.summary,
        starts_on=plan.signed, ends_on=plan.signed + 365 * DAY, licence_years=years, exclusivity=exclusivity,
        territory=spec.territory,
        ip_items=[IPData(ip_kind=k, number=num, title=t) for k, num, t in spec.ip],
        non_tech=[NonTechData(category=c, description=d, amount=a) for c, d, a in spec.non_tech],
        instalments=_instalments(spec.total, plan.signed),
    )


def pdf(*lines: str) -> bytes:
    """A small valid one-page PDF with the given (ASCII) lines."""
    def esc(text: str) -> str:
        return text.encode("ascii", "replace").decode().replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join(f"({esc(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


# --- what happens to it ----------------------------------------------------------------------------------------


def _drive(session: Session, contract: Contract, spec: DemoContract, plan: Plan, owner: Actor, cast: Cast,
           today: dt.date) -> None:
    first, second = cast.registrars
    signed = pdf("Technology contract (demo)", f"Contract no. {contract.id}", f"Signed on {plan.signed}",
                 f"Total amount CNY {spec.total:,.2f}", "Seals of both parties affixed")
    documents.add(session, owner, contract, "signed_contract", f"{spec.title}.pdf", io.BytesIO(signed),
                  instance_path=cast.instance_path, max_bytes=cast.max_bytes)
    if spec.plan == "draft":
        return
    registration.submit(session, owner, contract)
    if spec.plan == "withdrawn":
        registration.withdraw(session, owner, contract)
    elif spec.plan == "returned":
        registration.return_for_material(session, first, contract, spec.reason)
    elif spec.plan == "refused":
        registration.refuse(session, second, contract, spec.refusal, spec.reason)
    elif spec.plan in {"second_review", "registered", "rescinded"}:
        registration.approve(session, first, contract, expert_opinion=EXPERT_OPINION, pattern=cast.pattern)
        if spec.plan != "second_review" and contract.status == "second_review":
            registration.approve(session, second, contract, pattern=cast.pattern)
    if spec.plan in {"registered", "rescinded"}:
        _pay(session, contract, owner, cast, today)
    if spec.plan == "rescinded":
        registration.rescind(session, first, contract, reason=spec.reason)


def _pay(session: Session, contract: Contract, owner: Actor, cast: Cast, today: dt.date) -> None:
    """Bank transfers for the instalments already due; the operator confirms all but the most recent ones."""
    for inst in list(contract.instalments):
        if inst.due_on > today - 3 * DAY:
            break
        paid_on = min(inst.due_on + 2 * DAY, today)
        receipt = pdf("Bank transfer receipt (demo)", f"Contract no. {contract.id}, instalment {inst.seq}",
                      f"Paid on {paid_on}", f"Amount CNY {inst.amount:,.2f}")
        payment = payments.record(
            session, owner, contract, instalment_id=inst.id, paid_on=paid_on, amount=inst.amount,
            reference=f"HD{paid_on:%Y%m%d}{contract.id:04d}{inst.seq}", filename=f"银行回单-{inst.seq}.pdf",
            stream=io.BytesIO(receipt), instance_path=cast.instance_path, max_bytes=cast.max_bytes)
        if paid_on <= today - 10 * DAY:
            payments.decide(session, cast.operator, payment, confirm=True, note="已核对银行回单")


def _at(day: dt.date, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9 + minute // 60 % 8, minute % 60), tzinfo=LOCAL_TZ).astimezone(dt.UTC)


def _backdate(session: Session, contract: Contract, spec: DemoContract, plan: Plan, pattern: str) -> None:
    """Move the steps the services dated today back to the plan (see the module's docstring)."""
    before = _dates(contract)
    minute = contract.id * 7
    contract.created_at = _at(plan.signed, minute)  # recorded on the platform the day it was signed
    if spec.plan != "draft":
        contract.submitted_at = _at(plan.submitted, minute)
        contract.review_started_on = plan.submitted
    if spec.plan in {"submitted", "second_review", "registered", "rescinded"}:
        contract.review_due_on, contract.review_due_provisional = workflow.review_deadline(
            plan.submitted, contract.technical_amount)
    if plan.first_approval is not None:
        contract.first_approved_at = _at(plan.first_approval, minute + 30)
    if contract.registered_on is not None:
        contract.registered_on = plan.decided
        if plan.decided.year != contract.registration_year:
            number, seq = numbering.registration_number(session, contract, plan.decided, pattern)
            contract.registration_number, contract.registration_year, contract.registration_seq = (
                number, plan.decided.year, seq)
    if plan.rescinded is not None:
        contract.rescinded_on = plan.rescinded
    when = {"create": plan.signed, "attach": plan.signed, "submit": plan.submitted, "approve_first":
            plan.first_approval, "rescind": plan.rescinded}
    for event in contract.events:
        event.at = _at(when.get(event.action) or plan.decided, minute + 45)
        if event.action == "register" and contract.registration_number:
            event.data = {"registration_number": contract.registration_number}
        if event.action == "submit":
            event.data = {"due_on": str(contract.review_due_on or ""), "expert_review": contract.expert_review}
    for payment in contract.payments:
        payment.recorded_at = _at(payment.paid_on, minute + 60)
        if payment.decided_at is not None:
            payment.decided_at = _at(_workday(payment.paid_on + 3 * DAY), minute + 90)
    session.flush()
    audit.record(session, Actor.system("demo"), "contract", contract.id, "demo_backdate", before, _dates(contract))


def _dates(contract: Contract) -> dict[str, Any]:
    return {"created_at": contract.created_at, "signed_on": contract.signed_on, "submitted_at": contract.submitted_at,
            "review_due_on": contract.review_due_on, "registered_on": contract.registered_on,
            "registration_number": contract.registration_number, "rescinded_on": contract.rescinded_on}
