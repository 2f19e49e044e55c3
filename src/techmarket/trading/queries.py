"""The read side of trading: an organisation member's offers, registrations and deals; the operator's queues."""

from __future__ import annotations

from sqlalchemy import Select, case, or_, select
from sqlalchemy.orm import Session

from techmarket.trading.constants import RegistrationStatus, SaleStatus
from techmarket.trading.models import Deal, Negotiation, Registration, Sale

PUBLIC_SALES = (SaleStatus.OPEN, SaleStatus.COMPETING, SaleStatus.SOLD, SaleStatus.UNSOLD)


def public_sales(status: str | None = None) -> Select:
    """挂牌 sales anyone may see: those in their listing period first (the soonest end first), then the ended ones,
    the latest first."""
    shown = [s for s in PUBLIC_SALES if status in (None, "", s)]
    running = Sale.status == SaleStatus.OPEN
    return (select(Sale).where(Sale.status.in_(shown))
            .order_by(~running, case((running, Sale.ends_on)), Sale.ends_on.desc(), Sale.id.desc()))


def threads_of(org_ids: set[int]) -> Select:
    return (select(Negotiation).where(or_(Negotiation.buyer_org_id.in_(org_ids),
                                          Negotiation.seller_org_id.in_(org_ids)))
            .order_by(Negotiation.updated_at.desc(), Negotiation.id.desc()))


def registrations_of(org_ids: set[int]) -> Select:
    return select(Registration).where(Registration.buyer_org_id.in_(org_ids)).order_by(Registration.id.desc())


def sales_of(org_ids: set[int]) -> Select:
    return select(Sale).where(Sale.seller_org_id.in_(org_ids)).order_by(Sale.id.desc())


def deals_of(org_ids: set[int]) -> Select:
    return (select(Deal).where(or_(Deal.buyer_org_id.in_(org_ids), Deal.seller_org_id.in_(org_ids)))
            .order_by(Deal.id.desc()))


def sales_to_review() -> Select:
    """Sales waiting for approval and sales with competing qualified buyers, oldest first."""
    return (select(Sale).where(Sale.status.in_([SaleStatus.PENDING, SaleStatus.COMPETING]))
            .order_by(Sale.created_at, Sale.id))


def registrations_to_check() -> Select:
    return (select(Registration).join(Sale).where(Registration.status == RegistrationStatus.PENDING,
                                                  Sale.status == SaleStatus.OPEN)
            .order_by(Registration.created_at, Registration.id))


def deals_for_listing(session: Session, listing_id: int) -> list[Deal]:
    return list(session.scalars(select(Deal).where(Deal.listing_id == listing_id).order_by(Deal.id)))


def threads_on(session: Session, listing_id: int, org_ids: set[int]) -> list[Negotiation]:
    """The negotiations on a listing that one of the organisations takes part in."""
    if not org_ids:
        return []
    return list(session.scalars(select(Negotiation).where(
        Negotiation.listing_id == listing_id,
        or_(Negotiation.buyer_org_id.in_(org_ids), Negotiation.seller_org_id.in_(org_ids))).order_by(Negotiation.id)))
