"""A draft technology development contract (技术开发合同, 委托开发) for each winner of an awarded call (the
``call.awarded`` listener), and the partner source the challenges domain asks when it looks for conflicts of
interest (organisations that were parties to a recorded contract together).

The winner (the consortium's lead) is the developer, the poster the client; the bounty is the amount (shared
equally when several winners are funded in parallel), the call's IP terms and the consortium's members go in
the summary, and the application's milestones become the instalments. The parties complete the draft and
submit it for registration like any other contract."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.challenges.constants import IP_OWNERS, MemberStatus
from techmarket.challenges.models import Application, Call
from techmarket.contracts import constants as cat
from techmarket.contracts.data import PartyData
from techmarket.contracts.models import Contract, ContractParty, Instalment
from techmarket.contracts.services import _party_row, snapshot
from techmarket.core import audit
from techmarket.core.clock import local_today
from techmarket.core.events import DomainEvent

CENT = Decimal("0.01")


def _summary(call: Call, app: Application) -> str:
    lines = [f"揭榜挂帅榜单：{call.title}（{call.poster_org.name}）", f"成果归属：{IP_OWNERS.get(call.ip_owner, '')}"]
    if call.ip_licence_back:
        lines.append(f"许可回授：{call.ip_licence_back}")
    if call.ip_revenue_sharing:
        lines.append(f"收益分配：{call.ip_revenue_sharing}")
    if app.is_consortium:
        lines.append("联合体成员：" + "；".join(
            f"{m.organisation.name}（{'牵头' if m.is_lead else '成员'}，{m.role or '—'}，工作量{m.work_share}%，"
            f"经费{m.budget_share}%{'，' + m.country + ' ' + m.registration_number if m.country else ''}）"
            for m in app.members))
    targets = "；".join(f"{t['indicator']} {t['value']}{t.get('unit', '')}" for t in call.targets)
    lines.append(f"技术指标：{targets}")
    return "\n".join(lines)[:4000]


def _instalments(app: Application, amount: Decimal) -> list[Instalment]:
    rows: list[Instalment] = []
    left = amount
    for i, m in enumerate(app.milestones, 1):
        share = (amount * Decimal(m["share"]) / 100).quantize(CENT)
        value = left if i == len(app.milestones) else share
        left -= value
        rows.append(Instalment(seq=i, due_on=dt.date.fromisoformat(m["due_on"]), amount=value,
                               description=str(m["deliverable"])[:200]))
    return rows


def _parties(session: Session, call: Call, app: Application) -> list[ContractParty]:
    """The lead as the developer (seller), the poster as the client (buyer), then each confirmed consortium member
    as a co-developer party ("member"), each with its share of the budget."""
    seller = _party_row(session, PartyData(role=cat.PartyRole.SELLER, organisation_id=app.lead_org_id), 0)
    rows = [seller, _party_row(session, PartyData(role=cat.PartyRole.BUYER, organisation_id=call.poster_org_id), 1)]
    if not app.is_consortium:
        return rows
    for m in app.members:
        if m.is_lead:
            seller.budget_share = m.budget_share
        elif m.status == MemberStatus.CONFIRMED:
            row = _party_row(session, PartyData(role=cat.PartyRole.MEMBER, organisation_id=m.organisation_id),
                             len(rows))
            row.budget_share = m.budget_share
            if m.country and not row.country:
                row.country = m.country
            if m.registration_number and not (row.credit_code or row.foreign_registration):
                row.foreign_registration = m.registration_number
            rows.append(row)
    return rows


def draft_from_award(session: Session, event: DomainEvent) -> None:
    call = session.get(Call, event.object_id)
    ids = list(event.data.get("application_ids") or [])
    if call is None or not ids:
        return
    amount = (call.bounty / len(ids)).quantize(CENT)
    for app_id in ids:
        app = session.get(Application, app_id)
        if app is None or app.contract_id is not None:
            continue
        lead = app.lead_org
        contract = Contract(
            seller_org_id=lead.id, created_by_id=event.actor.user_id, status=cat.Status.DRAFT.value,
            title=f"{call.title}（揭榜挂帅）"[:200], summary=_summary(call, app), type_code="development",
            subtype_code="commissioned", signed_on=local_today(), total_amount=amount, non_technical_amount=0,
            technical_amount=amount, fiscal_funded=call.fiscal, approval_document=call.programme[:200],
            prefecture_code=lead.division.prefecture_code if lead.division else None)
        contract.parties = _parties(session, call, app)
        contract.instalments = _instalments(app, amount)
        session.add(contract)
        session.flush()
        app.contract_id = contract.id
        audit.record(session, event.actor, "contract", contract.id, "create_from_award", None,
                     snapshot(contract) | {"call": call.id, "application": app.id})


def partners_since(session: Session, org_ids: set[int], since: dt.date) -> set[int]:
    """Organisations that were parties with any of ``org_ids`` to a contract recorded (beyond a draft) and
    signed on or after ``since``."""
    if not org_ids:
        return set()
    mine = select(ContractParty.contract_id).join(Contract).where(
        ContractParty.organisation_id.in_(org_ids), Contract.signed_on >= since, Contract.status != cat.Status.DRAFT)
    found = session.scalars(select(ContractParty.organisation_id).where(
        ContractParty.contract_id.in_(mine), ContractParty.organisation_id.is_not(None)))
    return {i for i in found if i is not None}
