"""Public certificate verification: anyone holding a printed certificate checks it with the registration number
and the verification code printed beside it (also as a QR code). The answer shows the registration's state
(registered, amended, rescinded), type, date, technical transaction amount and the parties' names — nothing else.
A wrong code and an unknown number get the same "not found" (no oracle for valid numbers)."""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from techmarket.contracts import constants as cat
from techmarket.contracts.models import Contract, ContractEvent
from techmarket.contracts.numbering import normalise_code

MAX_NUMBER = 40
SHOWN = (cat.Status.REGISTERED, cat.Status.RESCINDED)


@dataclass(frozen=True)
class Verified:
    number: str
    state: str
    """``registered``, ``amended`` or ``rescinded``."""
    type_code: str
    subtype_code: str
    registered_on: dt.date | None
    rescinded_on: dt.date | None
    technical_amount: Decimal
    parties: list[tuple[str, str]]
    """(role, name) in the contract's order."""


def check(session: Session, number: str, code: str) -> Verified | None:
    """The public facts of a registration, or ``None`` for an unknown number, a wrong code or a contract that was
    never registered."""
    number, code = (number or "").strip()[:MAX_NUMBER], normalise_code(code)
    if not number or not code:
        return None
    contract = session.scalar(select(Contract).where(Contract.registration_number == number))
    stored = contract.verification_code if contract is not None else None
    # compare even when nothing was found, so the time taken does not tell a known number from an unknown one
    matches = hmac.compare_digest((stored or "-" * len(code)).encode(), code.encode())
    if contract is None or stored is None or not matches or contract.status not in SHOWN:
        return None
    amended = session.scalar(select(ContractEvent.id).where(ContractEvent.contract_id == contract.id,
                                                            ContractEvent.action == "amend").limit(1)) is not None
    state = "rescinded" if contract.status == cat.Status.RESCINDED else "amended" if amended else "registered"
    return Verified(number=number, state=state, type_code=contract.type_code, subtype_code=contract.subtype_code,
                    registered_on=contract.registered_on, rescinded_on=contract.rescinded_on,
                    technical_amount=contract.technical_amount,
                    parties=[(p.role, p.name) for p in contract.parties])
