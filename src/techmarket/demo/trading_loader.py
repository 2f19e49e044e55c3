"""Demo trading through the trading services: a negotiation with a counter-offer, and a 挂牌 sale with two
intended buyers, one of them qualified by the operator. Idempotent: a listing that already has a negotiation
or a sale is left alone, and nothing is added when the demo already holds both."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.accounts import services as accounts
from techmarket.accounts.models import User, UserRole
from techmarket.core.clock import local_today
from techmarket.core.roles import Role
from techmarket.listings.constants import Kind, Status
from techmarket.listings.models import Listing
from techmarket.orgs.constants import OrgType
from techmarket.orgs.models import Membership, Organisation
from techmarket.trading import negotiation, sales
from techmarket.trading.constants import LICENCE_MODES
from techmarket.trading.models import Negotiation, Sale
from techmarket.trading.terms import OfferData


def _member(session: Session, org_id: int) -> User | None:
    return session.scalar(select(User).join(Membership, Membership.user_id == User.id)
                          .where(Membership.organisation_id == org_id).order_by(Membership.id).limit(1))


def _candidates(session: Session) -> list[Listing]:
    """Published achievements of verified organisations with a member, sold outright (no licence terms)."""
    rows = session.scalars(select(Listing).join(Organisation).where(
        Listing.kind == Kind.ACHIEVEMENT, Listing.status == Status.PUBLISHED, Organisation.status == "verified")
        .order_by(Listing.id)).all()
    return [r for r in rows if any(m not in LICENCE_MODES for m in r.modes) and _member(session, r.organisation_id)]


def _buyers(session: Session, seller_org_id: int, seller: User) -> list[tuple[Organisation, User]]:
    """Verified organisations other than the seller, enterprises first, each with a member who acts for it alone:
    a member of the seller is left out, and so is a user already acting for another buyer (their bids would
    count for one bidder, and the second of two alternating bids would be refused as already the best)."""
    sellers = set(session.scalars(select(Membership.user_id).where(Membership.organisation_id == seller_org_id)))
    taken = sellers | {seller.id}
    found: list[tuple[Organisation, User]] = []
    for org in session.scalars(select(Organisation).where(Organisation.status == "verified",
                                                          Organisation.id != seller_org_id)
                               .order_by(Organisation.org_type != OrgType.ENTERPRISE, Organisation.id)):
        user = _member(session, org.id)
        if user is not None and user.id not in taken:
            taken.add(user.id)
            found.append((org, user))
    return found


def _mode(listing: Listing) -> str:
    return next(m for m in listing.modes if m not in LICENCE_MODES)


def _price(listing: Listing, default: str) -> Decimal:
    return listing.amount_min or listing.amount_max or Decimal(default)


def load_trading(session: Session) -> int:
    """Add the demo negotiation and the demo sale when missing; returns how many were added."""
    if session.scalar(select(Negotiation.id).limit(1)) and session.scalar(select(Sale.id).limit(1)):
        return 0
    operator_user = session.scalar(select(User).join(UserRole).where(UserRole.role == Role.OPERATOR.value)
                                   .order_by(User.id).limit(1))
    listings = _candidates(session)
    if operator_user is None or len(listings) < 2:
        return 0
    operator = accounts.actor_for(operator_user)
    added = 0
    first, second = listings[0], listings[1]
    seller = _member(session, first.organisation_id)
    buyers = _buyers(session, first.organisation_id, seller) if seller is not None else []
    if seller is not None and buyers and session.scalar(select(Negotiation.id).limit(1)) is None:
        org, user = buyers[0]
        price = _price(first, "500000")
        until = local_today() + dt.timedelta(days=20)
        offer = negotiation.open_offer(session, accounts.actor_for(user), first, org.id, OfferData(
            mode=_mode(first), valid_until=until, price=price, payment_note="签约后付50%，技术交付验收后付50%",
            note="希望尽快安排现场考察。"))
        negotiation.counter(session, accounts.actor_for(seller), offer, OfferData(
            mode=_mode(first), valid_until=until, price=(price * Decimal("1.2")).quantize(Decimal("1")),
            payment_note="签约后付60%，验收后付40%", note="含一年技术指导。"))
        added += 1
    owner = _member(session, second.organisation_id)
    buyers = _buyers(session, second.organisation_id, owner) if owner is not None else []
    if owner is not None and len(buyers) >= 2 and session.scalar(select(Sale.id).limit(1)) is None:
        sale = sales.list_for_sale(session, accounts.actor_for(owner), second, sales.SaleData(
            _price(second, "1000000"), _mode(second)))
        sales.approve(session, operator, sale)
        statements = ("拟用于本企业生产线技术改造。", "拟与本单位现有产品配套产业化。")
        regs = [sales.register(session, accounts.actor_for(user), sale, org.id, text)
                for (org, user), text in zip(buyers[:2], statements, strict=True)]
        sales.qualify(session, operator, regs[0])
        added += 1
    session.flush()
    return added

