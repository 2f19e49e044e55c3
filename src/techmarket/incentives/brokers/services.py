"""The broker registry and attribution: the operator files brokers and attributes registered contracts to them;
the reward comes from the ``broker-reward`` calculator over the stored rule set (never a second implementation)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from techmarket.contracts import constants as cat
from techmarket.contracts.models import Contract
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from techmarket.core.roles import Role
from techmarket.incentives.brokers.models import Broker, BrokerDeal
from techmarket.listings.constants import FIELDS
from techmarket.orgs.models import Division, Organisation
from techmarket.policy.money import jsonable
from techmarket.policy.typed import BrokerRewardInput
from techmarket.rulesets.services import evaluate

LEVELS = ("junior", "intermediate", "senior")
REWARD = "broker-reward"


@dataclass(frozen=True)
class BrokerData:
    name: str
    credential_no: str
    credential_level: str
    prefecture_code: str
    fields: tuple[str, ...] = ()
    organisation_id: int | None = None
    user_id: int | None = None
    bio: str = ""


def _require_operator(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator files brokers and attributes contracts to them."))


def register(session: Session, actor: Actor, data: BrokerData) -> Broker:
    """File a broker in the registry."""
    _require_operator(actor)
    errors: dict[str, Any] = {}
    name, number = data.name.strip(), data.credential_no.strip().upper()
    if not name or len(name) > 100:
        errors["name"] = _l("Give the broker's name (at most 100 characters).")
    if not number or len(number) > 64:
        errors["credential_no"] = _l("Give the number of the broker's credential.")
    if data.credential_level not in LEVELS:
        errors["credential_level"] = _l("Choose the credential level.")
    division = session.get(Division, data.prefecture_code)
    if division is None or division.level != "prefecture":
        errors["prefecture_code"] = _l("Choose a 盟市.")
    if any(f not in FIELDS for f in data.fields):
        errors["fields"] = _l("Choose fields from the list.")
    if data.organisation_id is not None and session.get(Organisation, data.organisation_id) is None:
        errors["organisation_id"] = _l("No such organisation.")
    if len(data.bio) > 2000:
        errors["bio"] = _l("At most %(n)d characters.", n=2000)
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    if session.scalar(select(Broker.id).where(Broker.credential_no == number)) is not None:
        raise ValidationFailed(_l("A broker with this credential number is already filed."),
                               field_errors={"credential_no": _l("Already filed.")})
    broker = Broker(name=name, credential_no=number, credential_level=data.credential_level,
                    prefecture_code=data.prefecture_code, fields=list(data.fields), bio=data.bio.strip(),
                    organisation_id=data.organisation_id, user_id=data.user_id, created_by_id=actor.user_id)
    session.add(broker)
    session.flush()
    audit.record(session, actor, "broker", broker.id, "register", None, {
        "name": name, "credential_no": number, "prefecture_code": data.prefecture_code})
    return broker


def attribute(session: Session, actor: Actor, broker: Broker, registration_number: str, share: Decimal) -> BrokerDeal:
    """Attribute a registered contract to the broker with their share of the deal; the brokers' shares of one
    contract add up to at most 1. The reward is computed and kept with the rule-set version."""
    _require_operator(actor)
    contract = session.scalar(select(Contract).where(Contract.registration_number == registration_number.strip()))
    if contract is None or contract.status != cat.Status.REGISTERED or contract.registered_on is None:
        msg = _l("No registered contract has this registration number.")
        raise ValidationFailed(msg, field_errors={"registration_number": msg})
    if not Decimal(0) < share <= Decimal(1):
        msg = _l("The share lies above 0 and at most 1 (e.g. 0.5 for half of the deal).")
        raise ValidationFailed(msg, field_errors={"share": msg})
    taken = session.scalar(select(func.coalesce(func.sum(BrokerDeal.share), 0)).where(
        BrokerDeal.contract_id == contract.id)) or Decimal(0)
    if Decimal(taken) + share > 1:
        msg = _l("The brokers' shares of this contract would pass 1 (already attributed: %(t)s).", t=taken)
        raise ValidationFailed(msg, field_errors={"share": msg})
    outcome = evaluate(session, REWARD, BrokerRewardInput(contract_amount=contract.technical_amount, share=share,
                                                          registration_date=contract.registered_on))
    deal = BrokerDeal(broker_id=broker.id, contract_id=contract.id, share=share, reward=outcome.amount("reward"),
                      result=jsonable(dict(outcome.raw)), created_by_id=actor.user_id)
    session.add(deal)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(_l("This contract is already attributed to this broker.")) from exc
    audit.record(session, actor, "broker", broker.id, "attribute", None, {
        "contract_id": contract.id, "share": share, "reward": deal.reward, "rule_sets": outcome.rule_sets})
    return deal


# --- the public record ---------------------------------------------------------------------------------------


def get(session: Session, broker_id: int) -> Broker:
    broker = session.get(Broker, broker_id)
    if broker is None:
        raise NotFound(_l("No such broker."))
    return broker


def registry(prefecture: str | None = None) -> Select[Any]:
    query = select(Broker).order_by(Broker.prefecture_code, Broker.name, Broker.id)
    if prefecture:
        query = query.where(Broker.prefecture_code == prefecture)
    return query


def deals(broker: Broker) -> Select[Any]:
    return (select(BrokerDeal).where(BrokerDeal.broker_id == broker.id)
            .order_by(BrokerDeal.created_at.desc(), BrokerDeal.id.desc()))


@dataclass(frozen=True)
class Record:
    contracts: int
    attributed: Decimal
    rewards: Decimal


def record(session: Session, broker: Broker) -> Record:
    """The broker's record: registered contracts attributed, the technical amount attributed (by share), rewards."""
    rows: Iterable[BrokerDeal] = session.scalars(deals(broker)).all()
    live = [d for d in rows if d.contract.status == cat.Status.REGISTERED]
    return Record(len(live), sum((d.contract.technical_amount * d.share for d in live), Decimal(0)).quantize(
        Decimal("0.01")), sum((d.reward for d in live), Decimal(0)))
