"""Contract records: who may see and change them, creating and editing, submitting for registration.

The registrar's decisions live in :mod:`registration`; payments in :mod:`payments`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts.models import UserRole
from techmarket.contracts import constants as cat
from techmarket.contracts import workflow
from techmarket.contracts.data import ContractData, PartyData, validate
from techmarket.contracts.models import Contract, ContractIPItem, ContractParty, Instalment, NonTechItem
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.db import get_or_not_found
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.listings.models import Listing
from techmarket.orgs.constants import OrgStatus, OrgType, RegionKind
from techmarket.orgs.models import Membership, Organisation

STAFF = (Role.REGISTRAR, Role.OPERATOR)


# --- who may do what --------------------------------------------------------------------------------------


def member_org_ids(session: Session, user_id: int | None) -> set[int]:
    if user_id is None:
        return set()
    return set(session.scalars(select(Membership.organisation_id).where(Membership.user_id == user_id)))


def party_org_ids(contract: Contract) -> set[int]:
    """Every party's organisation, consortium members included (they see the contract and hear of it)."""
    return {p.organisation_id for p in contract.parties if p.organisation_id is not None}


def acting_org_ids(contract: Contract) -> set[int]:
    """The organisations that act on the contract (seller, buyer, broker, agency): a consortium member is a party
    but its lead acts for it."""
    return {p.organisation_id for p in contract.parties
            if p.organisation_id is not None and p.role in cat.ACTING_ROLES}


def can_view(session: Session, actor: Actor, contract: Contract) -> bool:
    return actor.has(*STAFF) or bool(member_org_ids(session, actor.user_id) & party_org_ids(contract))


def require_view(session: Session, actor: Actor, contract: Contract) -> None:
    """Parties see their contracts; registrars and the operator see all; nobody else."""
    if not can_view(session, actor, contract):
        raise PermissionDenied(_l("Only the parties, the registrars and the market operator see this contract."))


def require_party(session: Session, actor: Actor, contract: Contract) -> None:
    """Only members of a party's organisation act for a party (registrars and the operator see, not act)."""
    if not member_org_ids(session, actor.user_id) & acting_org_ids(contract):
        raise PermissionDenied(_l("Only the parties to this contract may do this."))


def is_seller_member(session: Session, actor: Actor, contract: Contract) -> bool:
    return contract.seller_org_id in member_org_ids(session, actor.user_id)


def require_seller(session: Session, actor: Actor, contract: Contract) -> None:
    if not is_seller_member(session, actor, contract):
        raise PermissionDenied(_l("Only members of the seller's organisation may change or submit this "
                                  "contract."))


CANCELLED_WITH_DEAL = _l("This contract was cancelled because the deal it was drafted from was cancelled (the "
                         "auction result was annulled after an objection). It stays closed: it cannot be reopened, "
                         "edited or submitted.")


def require_not_cancelled(contract: Contract) -> None:
    """A contract cancelled with its deal is closed for good, whoever asks and whatever the page offered."""
    if contract.status == cat.Status.CANCELLED:
        raise Conflict(CANCELLED_WITH_DEAL)


def editable(contract: Contract) -> bool:
    """Whether the seller may still change the contract and its material (a draft, returned or withdrawn)."""
    return contract.status in workflow.EDITABLE


def require_registrar(actor: Actor) -> None:
    if not actor.has(Role.REGISTRAR):
        raise PermissionDenied(_l("Only a registrar of the technology market decides registrations."))


def registrar_ids(session: Session) -> list[int]:
    return list(session.scalars(select(UserRole.user_id).where(UserRole.role == Role.REGISTRAR.value)))


def party_user_ids(session: Session, contract: Contract) -> set[int]:
    orgs = party_org_ids(contract)
    if not orgs:
        return set()
    return set(session.scalars(select(Membership.user_id).where(Membership.organisation_id.in_(orgs))))


# --- snapshots and particulars ------------------------------------------------------------------------------


def nature_of(org: Organisation) -> str:
    if org.region_kind == RegionKind.ABROAD:
        return "foreign"
    return {
        OrgType.UNIVERSITY: "university", OrgType.INSTITUTE: "institute", OrgType.GOVERNMENT: "government",
    }.get(OrgType(org.org_type), "state_owned" if org.state_owned else "private")


def snapshot(contract: Contract) -> dict[str, Any]:
    return {
        "status": contract.status, "title": contract.title, "type": f"{contract.type_code}.{contract.subtype_code}",
        "total_amount": contract.total_amount, "technical_amount": contract.technical_amount,
        "signed_on": contract.signed_on, "registration_number": contract.registration_number,
        "parties": [{"role": p.role, "name": p.name, "credit_code": p.credit_code,
                     "organisation_id": p.organisation_id} for p in contract.parties],
        "instalments": [{"due_on": i.due_on, "amount": i.amount} for i in contract.instalments],
    }


_COPIED = ("role", "organisation_id", "name", "credit_code", "foreign_registration", "division_code", "country",
           "nature", "budget_share")


def _party_values(party: ContractParty) -> dict[str, Any]:
    return {k: getattr(party, k) for k in _COPIED}


def _party_row(session: Session, party: PartyData, position: int) -> ContractParty:
    org = session.get(Organisation, party.organisation_id) if party.organisation_id is not None else None
    if org is None and party.credit_code:
        org = session.scalar(select(Organisation).where(Organisation.credit_code == party.credit_code))
    if org is not None:
        return ContractParty(
            role=party.role, position=position, organisation_id=org.id, name=org.name, credit_code=org.credit_code,
            foreign_registration=org.foreign_registration, division_code=org.division_code,
            country=org.country if org.region_kind == RegionKind.ABROAD else None, nature=nature_of(org))
    return ContractParty(
        role=party.role, position=position, name=party.name, credit_code=party.credit_code or None,
        foreign_registration=party.foreign_registration or None, division_code=party.division_code or None,
        country=party.country or None, nature=party.nature)


def _check_seller(session: Session, actor: Actor, data: ContractData) -> Organisation:
    org = session.get(Organisation, data.seller.organisation_id) if data.seller.organisation_id else None
    if org is None or org.id not in member_org_ids(session, actor.user_id):
        raise ValidationFailed(_l("Please correct the marked fields."),
                               field_errors={"seller_org_id": _l("Choose one of your organisations.")})
    if org.status != OrgStatus.VERIFIED:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors={
            "seller_org_id": _l("The organisation must be verified by the market operator before it registers "
                                "contracts.")})
    if org.region_kind != RegionKind.LOCAL:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors={
            "seller_org_id": _l("A contract is registered where the seller is located; this market registers "
                                "sellers in Inner Mongolia.")})
    return org


def _apply(session: Session, contract: Contract, data: ContractData, seller: Organisation) -> None:
    errors = validate(session, data)
    same_org = data.buyer.organisation_id is not None and data.buyer.organisation_id == seller.id
    if same_org or (data.buyer.credit_code and data.buyer.credit_code == seller.credit_code):
        errors["buyer.credit_code"] = _l("The buyer must be another organisation than the seller.")
    if data.listing_id is not None:
        listing = session.get(Listing, data.listing_id)
        parties = {seller.id, data.buyer.organisation_id}
        if listing is None or (listing.organisation_id not in parties and not _buyer_owns(session, data, listing)):
            errors["listing_id"] = _l("Link an achievement or demand of the seller or the buyer (give its number).")
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    contract.seller_org_id = seller.id
    contract.title, contract.summary = data.title, data.summary
    contract.type_code, contract.subtype_code = data.type_code, data.subtype_code
    contract.listing_id = data.listing_id
    contract.signed_on, contract.starts_on, contract.ends_on = data.signed_on, data.starts_on, data.ends_on  # type: ignore[assignment]
    sub = cat.subtype(data.type_code, data.subtype_code)
    licence = sub is not None and sub.tax_kind == "licence"
    contract.licence_years = data.licence_years if licence else None
    contract.exclusivity = data.exclusivity or None
    contract.territory = data.territory
    contract.fiscal_funded, contract.approval_document = data.fiscal_funded, data.approval_document
    contract.related_holding_pct = data.related_holding_pct
    total = data.total_amount or Decimal(0)
    contract.total_amount = total
    contract.non_technical_amount = data.non_technical_amount
    contract.technical_amount = total - data.non_technical_amount
    contract.prefecture_code = seller.division.prefecture_code if seller.division is not None else None
    members = [_party_values(p) for p in contract.parties if p.role == cat.PartyRole.MEMBER]  # not in the form
    shares = {(p.role, p.organisation_id): p.budget_share for p in contract.parties}  # nor are the budget shares
    if contract.id is not None and contract.parties:
        contract.parties.clear()  # one party per role: the old rows go before the new ones come
        session.flush()
    rows = [_party_row(session, p, i) for i, p in enumerate(data.parties())]
    for row in rows:
        row.budget_share = shares.get((row.role, row.organisation_id))
    contract.parties = rows + [ContractParty(**m, position=len(rows) + i) for i, m in enumerate(members)]
    contract.ip_items = [ContractIPItem(ip_kind=i.ip_kind, number=i.number, title=i.title) for i in data.ip_items]
    contract.non_tech_items = [NonTechItem(category=n.category, description=n.description, amount=n.amount)
                               for n in data.non_tech]
    contract.instalments = [Instalment(seq=n + 1, due_on=i.due_on, amount=i.amount, description=i.description)
                            for n, i in enumerate(data.instalments)]


def _buyer_owns(session: Session, data: ContractData, listing: Listing) -> bool:
    if not data.buyer.credit_code:
        return False
    owner = session.get(Organisation, listing.organisation_id)
    return owner is not None and owner.credit_code == data.buyer.credit_code


def create(session: Session, actor: Actor, data: ContractData) -> Contract:
    seller = _check_seller(session, actor, data)
    contract = Contract(created_by_id=actor.user_id, status=cat.Status.DRAFT.value)
    _apply(session, contract, data, seller)
    session.add(contract)
    session.flush()
    audit.record(session, actor, "contract", contract.id, "create", None, snapshot(contract))
    return contract


def update(session: Session, actor: Actor, contract: Contract, data: ContractData) -> Contract:
    require_seller(session, actor, contract)
    require_not_cancelled(contract)
    if contract.status not in workflow.EDITABLE:
        raise Conflict(_l("A contract under review or registered cannot be edited. Registered contracts are "
                          "changed by a registrar's amendment."))
    seller = _check_seller(session, actor, data)
    before = snapshot(contract)
    _apply(session, contract, data, seller)
    session.flush()
    audit.record(session, actor, "contract", contract.id, "update", before, snapshot(contract))
    return contract


def get(session: Session, contract_id: int) -> Contract:
    return get_or_not_found(session, Contract, contract_id, _l("No such contract."))
