"""Registration numbers: one counter row per year, advanced under a row lock, so two registrars registering two
different contracts at the same moment both succeed with consecutive numbers (no race on ``max(seq) + 1``)."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from techmarket.contracts.models import Contract, RegistrationCounter

DEFAULT_PATTERN = "{year}{prefecture}{seq:06d}"
#: The alphabet of the verification code printed on a certificate (no 0/O, 1/I/L: read off paper).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def verification_code() -> str:
    """A random code printed on the certificate beside the registration number: with both, anyone can check
    the registration on the public page (40 bits: guessing one is hopeless at the page's rate limit)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:CODE_LENGTH * 2]


def next_seq(session: Session, year: int) -> int:
    """Take the next number of ``year``; the ``UPDATE`` holds the counter's row lock until the commit."""
    start = select(func.coalesce(func.max(Contract.registration_seq), 0)).where(Contract.registration_year == year)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(RegistrationCounter)
                    .from_select(["year", "last_seq"], select(literal(year), start.scalar_subquery()))
                    .on_conflict_do_nothing(index_elements=["year"]))
    session.execute(update(RegistrationCounter).where(RegistrationCounter.year == year)
                    .values(last_seq=RegistrationCounter.last_seq + 1))
    seq = session.scalar(select(RegistrationCounter.last_seq).where(RegistrationCounter.year == year))
    assert seq is not None
    return seq


def registration_number(session: Session, contract: Contract, on: dt.date, pattern: str) -> tuple[str, int]:
    """The next number of ``on``'s year from ``pattern``; stored as an opaque string."""
    seq = next_seq(session, on.year)
    seller = contract.seller
    division = (seller.division_code if seller is not None else None) or contract.prefecture_code or "150000"
    prefecture = (contract.prefecture_code or division)[:4]
    return pattern.format(year=on.year, prefecture=prefecture, division=division, seq=seq), seq
