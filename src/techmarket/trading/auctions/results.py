"""The result of an auction: the 成交公示 with its objections (异议) the operator decides, and the facts the
成交确认书 (confirmation of the deal, a PDF for the winner) shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from techmarket.core import audit, events
from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict, PermissionDenied, ValidationFailed
from techmarket.core.workflow import apply
from techmarket.orgs.models import Organisation
from techmarket.trading import access
from techmarket.trading.auctions import machines
from techmarket.trading.auctions.constants import AuctionStatus, ObjectionStatus
from techmarket.trading.auctions.models import Auction, AuctionBidder, Objection


def object_to(session: Session, actor: Actor, auction: Auction, text: str) -> Objection:
    """Anyone signed in may object to a result while its 成交公示 runs."""
    if actor.user_id is None:
        raise PermissionDenied(_l("Sign in to raise an objection."))
    if auction.status != AuctionStatus.PUBLICITY:
        raise Conflict(_l("Objections are taken only while the result is in publicity (公示)."))
    text = (text or "").strip()
    if not 5 <= len(text) <= 4000:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors={
            "text": _l("Say what is wrong with the result (5 to 4000 characters).")})
    objection = Objection(auction_id=auction.id, submitted_by_id=actor.user_id, text=text,
                          status=ObjectionStatus.PENDING.value)
    session.add(objection)
    session.flush()
    audit.record(session, actor, "objection", objection.id, "submit", None, {"auction": auction.id, "text": text})
    events.publish(session, events.DomainEvent("objection.submitted", "objection", objection.id, actor,
                                               {"auction": auction.id}, subject=objection))
    return objection


def decide(session: Session, actor: Actor, objection: Objection, decision: str, reason: str, *,
           expected_version: int | None = None) -> Objection:
    """The operator upholds an objection (the result is annulled) or dismisses it, with the reason."""
    access.require_operator(actor)
    if decision not in ("uphold", "dismiss"):
        raise ValidationFailed(_l("Choose a decision."))
    apply(session, actor, machines.OBJECTION, objection, decision, expected_version=expected_version, reason=reason)
    objection.decided_by_id = actor.user_id
    if decision == "uphold":
        apply(session, actor, machines.AUCTION, objection.auction, "annul", reason=reason, objection=objection.id)
    session.flush()
    return objection


@dataclass(frozen=True)
class Confirmation:
    """The facts of a 成交确认书."""

    auction: Auction
    seller: Organisation
    buyer: Organisation
    winner: AuctionBidder
    amount: Decimal


def confirmation(session: Session, actor: Actor, auction: Auction) -> Confirmation:
    """For the two parties and the operator, once the auction is sold."""
    if auction.status not in (AuctionStatus.PUBLICITY, AuctionStatus.FINAL) or auction.winner_bidder_id is None:
        raise Conflict(_l("There is no deal to confirm for this auction."))
    winner = session.get(AuctionBidder, auction.winner_bidder_id)
    assert winner is not None and auction.final_amount is not None
    if not actor.is_operator and not access.org_ids_of(session, actor) & {auction.seller_org_id,
                                                                          winner.organisation_id}:
        raise PermissionDenied(_l("Only the parties of the deal may see its confirmation."))
    seller, buyer = auction.seller_org, winner.organisation
    if auction.mode == "reverse":
        seller, buyer = buyer, seller
    return Confirmation(auction, seller, buyer, winner, auction.final_amount)
