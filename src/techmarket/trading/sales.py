"""挂牌 listed-price sales: the owner lists an achievement at a price for a 挂牌期 of working days, the operator
approves it, verified organisations register as intended buyers (意向受让登记) and the operator checks their
qualification (资格审查). At the end of the period (the due job, or lazily when the page is read):

- exactly one qualified buyer: a deal at the listed price;
- none: the sale ends unsold; the owner may relist it (the same or a lower price, a new period);
- two or more: the usual exchange rule, an online auction with the listed price as the starting price, starts
  by itself (:func:`techmarket.trading.auctions.services.from_sale`); the sale waits in "competing" until the
  auction closes (sold, or unsold after a 流拍). The operator may still record a buyer chosen by negotiation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.core import audit, events
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today
from techmarket.core.db import get_or_not_found
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.workflow import apply
from techmarket.listings.models import Listing
from techmarket.policy.calendar import add_working_days, working_days_between
from techmarket.trading import access, deals, machines
from techmarket.trading.auctions import services as auctions
from techmarket.trading.constants import SALE_DAYS_MAX, SALE_DAYS_MIN, RegistrationStatus, SaleStatus
from techmarket.trading.models import Deal, Registration, Sale
from techmarket.trading.negotiation import tradable
from techmarket.trading.terms import mode_error, price_error

ACTIVE = (SaleStatus.PENDING, SaleStatus.OPEN, SaleStatus.COMPETING)


@dataclass
class SaleData:
    price: Decimal | None
    mode: str
    working_days: int | None = 20
    related_parties: str = ""


def _check(listing: Listing, data: SaleData, current: Sale | None = None) -> None:
    errors: dict[str, Any] = {}
    if (msg := price_error(data.price)) is not None:
        errors["price"] = msg
    elif current is not None and data.price is not None and data.price > current.price:
        errors["price"] = _l("A relisting keeps the price or lowers it (now %(price)s yuan).", price=current.price)
    if (msg := mode_error(listing, data.mode)) is not None:
        errors["mode"] = msg
    if data.working_days is None or not SALE_DAYS_MIN <= data.working_days <= SALE_DAYS_MAX:
        errors["working_days"] = _l("The listing period is %(min)d to %(max)d working days.", min=SALE_DAYS_MIN,
                                    max=SALE_DAYS_MAX)
    data.related_parties = data.related_parties.strip()
    if len(data.related_parties) > 2000:
        errors["related_parties"] = _l("At most %(n)d characters.", n=2000)
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)


def active_sale(session: Session, listing_id: int) -> Sale | None:
    return session.scalar(select(Sale).where(Sale.listing_id == listing_id, Sale.status.in_(
        [*ACTIVE, SaleStatus.UNSOLD])).order_by(Sale.id.desc()).limit(1))


def list_for_sale(session: Session, actor: Actor, listing: Listing, data: SaleData) -> Sale:
    """The owner asks to list the achievement at a price; the operator approves it."""
    if listing.organisation_id not in access.org_ids_of(session, actor):
        raise PermissionDenied(_l("Only members of the owning organisation may list it for sale."))
    tradable(listing)
    current = active_sale(session, listing.id)
    if current is not None:
        raise Conflict(_l("This achievement is already listed for sale."))
    _check(listing, data)
    assert data.price is not None and data.working_days is not None
    sale = Sale(listing=listing, seller_org_id=listing.organisation_id, price=data.price, mode=data.mode,
                working_days=data.working_days, related_parties=data.related_parties, created_by_id=actor.user_id,
                status=SaleStatus.PENDING.value)
    session.add(sale)
    session.flush()
    snapshot = machines.sale_snapshot(sale)
    audit.record(session, actor, "sale", sale.id, "create", None, snapshot)
    events.publish(session, events.DomainEvent("sale.requested", "sale", sale.id, actor, snapshot, subject=sale))
    return sale


def relist(session: Session, actor: Actor, sale: Sale, data: SaleData, *, expected_version: int | None = None) -> Sale:
    """After a sale ended without a buyer (or was refused): a new period, at the same or a lower price."""
    _check(sale.listing, data, current=sale if sale.status == SaleStatus.UNSOLD else None)
    assert data.price is not None and data.working_days is not None
    apply(session, actor, machines.SALE, sale, "relist", expected_version=expected_version, price=str(data.price))
    sale.price, sale.mode, sale.working_days = data.price, data.mode, data.working_days
    sale.related_parties, sale.starts_on, sale.ends_on, sale.reason = data.related_parties, None, None, ""
    for reg in sale.registrations:
        if reg.status in (RegistrationStatus.PENDING, RegistrationStatus.QUALIFIED):
            reg.status = RegistrationStatus.WITHDRAWN.value  # a new period asks for new registrations
    session.flush()
    return sale


def approve(session: Session, actor: Actor, sale: Sale, *, expected_version: int | None = None,
            today: dt.date | None = None) -> Sale:
    """The operator approves the sale for trading: the 挂牌期 starts today."""
    start = today or local_today()
    apply(session, actor, machines.SALE, sale, "approve", expected_version=expected_version)
    sale.starts_on = start
    sale.ends_on, sale.ends_provisional = add_working_days(start, sale.working_days)
    session.flush()
    return sale


def refuse(session: Session, actor: Actor, sale: Sale, reason: str, *, expected_version: int | None = None) -> Sale:
    return apply(session, actor, machines.SALE, sale, "refuse", expected_version=expected_version, reason=reason).obj


def withdraw(session: Session, actor: Actor, sale: Sale, *, expected_version: int | None = None) -> None:
    apply(session, actor, machines.SALE, sale, "withdraw", expected_version=expected_version)


def days_left(sale: Sale, today: dt.date | None = None) -> int:
    """Working days left in the 挂牌期 after today (the period runs to the end of ``ends_on``)."""
    today = today or local_today()
    if sale.ends_on is None or sale.ends_on < today:
        return 0
    count, _provisional = working_days_between(today, sale.ends_on)
    return count


# --- intended buyers -----------------------------------------------------------------------------------------


def register(session: Session, actor: Actor, sale: Sale, buyer_org_id: int | None, statement: str) -> Registration:
    """A verified organisation (not the seller) registers as an intended buyer while the period runs."""
    settle(session, sale)
    if sale.status != SaleStatus.OPEN:
        raise Conflict(_l("Intended buyers register only while the listing period runs."))
    buyer = access.buying_org(session, actor, buyer_org_id, sale.seller_org_id)
    user_id = actor.user_id
    assert user_id is not None  # a member of a verified organisation is a signed-in user
    statement = statement.strip()
    if not 2 <= len(statement) <= 2000:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors={
            "statement": _l("Say in a few words why you want it and how you will use it (2 to 2000 characters).")})
    taken = session.scalar(select(Registration).where(Registration.sale_id == sale.id,
                                                      Registration.buyer_org_id == buyer.id))
    if taken is not None and taken.status != RegistrationStatus.WITHDRAWN:
        raise Conflict(_l("%(org)s is already registered for this sale.", org=buyer.name))
    if taken is None:
        taken = Registration(sale=sale, buyer_org_id=buyer.id, registered_by_id=user_id)
        session.add(taken)
    taken.status, taken.statement, taken.reason = RegistrationStatus.PENDING.value, statement, ""
    taken.registered_by_id = user_id
    session.flush()
    audit.record(session, actor, "registration", taken.id, "register", None, {"sale": sale.id, "buyer": buyer.id})
    events.publish(session, events.DomainEvent("registration.made", "registration", taken.id, actor,
                                               {"sale": sale.id}, subject=taken))
    return taken


def qualification_problems(session: Session, reg: Registration) -> list[Any]:
    """Why the registered organisation does not qualify (empty: it does)."""
    return access.org_problems(session, reg.buyer_org_id, reg.sale.seller_org_id, reg.sale.related_codes)


def qualify(session: Session, actor: Actor, reg: Registration, *, expected_version: int | None = None) -> None:
    access.require_operator(actor)
    problems = qualification_problems(session, reg)
    if problems:
        raise Conflict(_l("This organisation does not qualify: %(why)s", why="；".join(str(p) for p in problems)))
    apply(session, actor, machines.REGISTRATION, reg, "qualify", expected_version=expected_version)


def refuse_registration(session: Session, actor: Actor, reg: Registration, reason: str, *,
                        expected_version: int | None = None) -> Registration:
    return apply(session, actor, machines.REGISTRATION, reg, "refuse", expected_version=expected_version,
                 reason=reason).obj


def withdraw_registration(session: Session, actor: Actor, reg: Registration) -> None:
    apply(session, actor, machines.REGISTRATION, reg, "withdraw")


# --- the end of the period -------------------------------------------------------------------------------------


def settle(session: Session, sale: Sale, today: dt.date | None = None) -> Deal | None:
    """Close the sale when its period is over (lazily on read, and by the due job); the deal if one was made."""
    today = today or local_today()
    if sale.status != SaleStatus.OPEN or sale.ends_on is None or sale.ends_on >= today:
        return None
    system = Actor.system("listing period end")
    applied = apply(session, system, machines.SALE, sale, "close", qualified=sale.qualified_count)
    if applied.transition.target == SaleStatus.COMPETING:
        auctions.from_sale(session, sale)
    if applied.transition.target != SaleStatus.SOLD:
        return None
    buyer = next(r for r in sale.registrations if r.status == RegistrationStatus.QUALIFIED)
    return deals.make(session, system, sale.listing, buyer.buyer_org_id, sale.price, sale.mode, sale=sale,
                      public_since=sale.starts_on)


def choose(session: Session, actor: Actor, sale: Sale, reg: Registration, price: Decimal | None, *,
           expected_version: int | None = None) -> Deal:
    """Competing bids: the operator records the buyer chosen by negotiation with each, and the agreed price."""
    access.require_operator(actor)
    if reg.sale_id != sale.id or reg.status != RegistrationStatus.QUALIFIED:
        raise ValidationFailed(_l("Please correct the marked fields."),
                               field_errors={"registration_id": _l("Choose one of the qualified buyers.")})
    if (msg := price_error(price)) is not None or (price is not None and price < sale.price):
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors={
            "price": msg or _l("The agreed price cannot be below the listed price.")})
    assert price is not None
    apply(session, actor, machines.SALE, sale, "choose", expected_version=expected_version,
          buyer=reg.buyer_org_id, price=str(price))
    public_since = sale.starts_on if price == sale.price else None
    return deals.make(session, actor, sale.listing, reg.buyer_org_id, price, sale.mode, sale=sale,
                      public_since=public_since)


def close_due(session: Session, today: dt.date | None = None) -> int:
    """The due job: every open sale past its period is settled; returns how many."""
    today = today or local_today()
    due = session.scalars(select(Sale).where(Sale.status == SaleStatus.OPEN, Sale.ends_on < today)).all()
    for sale in due:
        settle(session, sale, today)
    return len(due)


def get_sale(session: Session, sale_id: int) -> Sale:
    return get_or_not_found(session, Sale, sale_id, _l("No such listing for sale."))


def get_registration(session: Session, reg_id: int) -> Registration:
    return get_or_not_found(session, Registration, reg_id, _l("No such registration."))
