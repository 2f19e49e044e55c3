"""Contracts built through the real services and committed, for the contract tests."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from techmarket.accounts.models import User
from techmarket.accounts.services import actor_for
from techmarket.contracts import documents, registration, services
from techmarket.contracts.data import ContractData, InstalmentData, NonTechData, PartyData
from techmarket.contracts.models import Contract
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.extensions import db

if TYPE_CHECKING:
    from tests.factories import Factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Deal:
    seller: User
    seller_org: Any
    buyer: User
    buyer_org: Any


def deal(make: Factories) -> Deal:
    seller = make.user(Role.RESEARCHER)
    buyer = make.user(Role.ENTERPRISE)
    seller_org = make.org(seller, status="verified", name=f"内蒙古稀土研究院{seller.id}", division="150207")
    buyer_org = make.org(buyer, status="verified", name=f"包头永磁材料有限公司{buyer.id}", division="150203")
    return Deal(seller, seller_org, buyer, buyer_org)


def contract_data(d: Deal, **overrides: Any) -> ContractData:
    signed = overrides.pop("signed_on", local_today() - dt.timedelta(days=10))
    total = overrides.pop("total_amount", Decimal("1200000.00"))
    data = ContractData(
        title="高性能钕铁硼永磁材料制备专利权转让合同", type_key="transfer.patent", signed_on=signed,
        total_amount=total,
        seller=PartyData(role="seller", organisation_id=d.seller_org.id),
        buyer=PartyData(role="buyer", credit_code=d.buyer_org.credit_code),
        summary="专利 ZL202010123456.7 的专利权转让",
        non_tech=[NonTechData(category="equipment", amount=Decimal("200000.00"), description="烧结炉")],
        instalments=[InstalmentData(due_on=signed + dt.timedelta(days=30),
                                    amount=(total or Decimal(0)) - Decimal("200000.00")),
                     InstalmentData(due_on=signed + dt.timedelta(days=90), amount=Decimal("200000.00"))],
    )
    return replace(data, **overrides)


def draft(d: Deal, data: ContractData | None = None, *, signed_doc: bool = True) -> Contract:
    contract = services.create(db.session, actor_for(d.seller), data or contract_data(d))
    db.session.commit()
    if signed_doc:
        attach(contract, d.seller)
    return contract


def attach(contract: Contract, user: User, kind: str = "signed_contract") -> None:
    app: Flask = current_app
    documents.add(db.session, actor_for(user), contract, kind, "合同.pdf", io.BytesIO(PDF),
                  instance_path=app.instance_path, max_bytes=1024 * 1024)
    db.session.commit()


def submitted(d: Deal, data: ContractData | None = None) -> Contract:
    contract = draft(d, data)
    registration.submit(db.session, actor_for(d.seller), contract)
    db.session.commit()
    return contract


def registered(make: Factories, d: Deal, data: ContractData | None = None,
               registrars: tuple[User, ...] = ()) -> Contract:
    """Submitted and registered (by two registrars when the amount needs expert review)."""
    contract = submitted(d, data)
    first = registrars[0] if registrars else make.user(Role.REGISTRAR)
    registration.approve(db.session, actor_for(first), contract, expert_opinion="专家组同意登记")
    db.session.commit()
    if contract.status != "registered":
        second = registrars[1] if len(registrars) > 1 else make.user(Role.REGISTRAR)
        registration.approve(db.session, actor_for(second), contract)
        db.session.commit()
    return contract
