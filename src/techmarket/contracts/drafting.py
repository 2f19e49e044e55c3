"""A draft contract from a concluded deal (the ``deal.concluded`` listener): the parties, the listing, the amount,
the type from the transaction mode and the licence terms are copied, so nobody types them again. The seller
completes the draft (signing date, instalments, documents) and submits it for registration as any other."""

from __future__ import annotations

from sqlalchemy.orm import Session

from techmarket.contracts import constants as cat
from techmarket.contracts.data import PartyData
from techmarket.contracts.models import Contract, ContractIPItem
from techmarket.contracts.registration import MACHINE
from techmarket.contracts.services import _party_row, snapshot
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.events import DomainEvent
from techmarket.core.workflow import apply
from techmarket.listings.models import Listing
from techmarket.orgs.models import Organisation
from techmarket.trading.models import Deal

# listing IP type -> (contract IP kind, subject subtype of transfer/licence in data/types.json)
_IP = {"invention": ("invention_patent", "patent"), "utility_model": ("utility_model", "patent"),
       "design": ("design", "patent"), "software": ("software", "software"), "ic_layout": ("ic_layout", "ic_layout"),
       "plant_variety": ("plant_variety", "plant_variety"), "biomedicine": ("biomedicine", "biomedicine"),
       "know_how": ("know_how", "know_how")}
_LICENCE = {"licence_exclusive": "exclusive", "licence_sole": "sole", "licence_ordinary": "ordinary"}
_FIXED = {"equity": ("transfer", "equity"), "co_development": ("development", "cooperative"),
          "service": ("service", "service")}


def contract_type(mode: str, listing: Listing) -> tuple[str, str]:
    """The contract type and subtype for a deal's transaction mode and the listing's first IP item."""
    if mode in _FIXED:
        return _FIXED[mode]
    subject = _IP.get(listing.ip_items[0].ip_type, ("other", "know_how"))[1] if listing.ip_items else "know_how"
    if mode == "transfer" and subject == "patent" and listing.ip_items[0].status == "applied":
        subject = "patent_application"
    return ("licence" if mode in _LICENCE else "transfer"), subject


def draft_from_deal(session: Session, event: DomainEvent) -> None:
    deal: Deal = event.subject
    if deal.contract_id is not None:
        return
    listing = deal.listing
    type_code, subtype_code = contract_type(deal.mode, listing)
    seller = session.get(Organisation, deal.seller_org_id)
    summary = "\n".join(s for s in (deal.licence_scope, deal.payment_note) if s)
    contract = Contract(
        seller_org_id=deal.seller_org_id, created_by_id=event.actor.user_id, status=cat.Status.DRAFT.value,
        title=listing.title[:200], summary=summary, type_code=type_code, subtype_code=subtype_code,
        listing_id=listing.id, signed_on=deal.concluded_on or local_today(), total_amount=deal.amount,
        non_technical_amount=0, technical_amount=deal.amount, licence_years=deal.licence_years,
        exclusivity=_LICENCE.get(deal.mode), territory=deal.territory, fiscal_funded=listing.fiscal_funded,
        approval_document=listing.approval_document,
        prefecture_code=seller.division.prefecture_code if seller is not None and seller.division else None)
    contract.parties = [_party_row(session, PartyData(role="seller", organisation_id=deal.seller_org_id), 0),
                        _party_row(session, PartyData(role="buyer", organisation_id=deal.buyer_org_id), 1)]
    contract.ip_items = [ContractIPItem(ip_kind=_IP.get(i.ip_type, ("other", ""))[0], number=i.number, title=i.title)
                         for i in listing.ip_items]
    session.add(contract)
    session.flush()
    deal.contract_id = contract.id
    audit.record(session, event.actor, "contract", contract.id, "create_from_deal", None,
                 snapshot(contract) | {"deal": deal.id})


SYSTEM = Actor.system("contracts")


def cancel_from_deal(session: Session, event: DomainEvent) -> None:
    """Listener on ``deal.cancelled`` (the auction that made the deal was annulled): the contract drafted from it
    is withdrawn through its machine (``cancel``) unless it is registered already (the registrar rescinds that)."""
    deal: Deal = event.subject
    contract = session.get(Contract, deal.contract_id) if deal.contract_id is not None else None
    if contract is not None and MACHINE.allowed(contract, "cancel"):
        apply(session, SYSTEM, MACHINE, contract, "cancel", reason=str(event.data.get("reason") or ""),
              deal=deal.id)
