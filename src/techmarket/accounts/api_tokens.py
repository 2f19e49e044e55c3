"""API tokens: a user's personal tokens and the organisation tokens a member makes for their organisation.

The secret (``tm_`` + 43 URL-safe characters) is shown once, when made; only its SHA-256 is stored, with the
first characters kept as a visible ``prefix`` so the holder can tell tokens apart. A token has scopes, an
optional expiry, the time it was last used, and can be revoked. The rules for making one (membership of the
organisation) live in :mod:`techmarket.api.tokens`, above the organisations.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.accounts.models import User
from techmarket.core.clock import utcnow
from techmarket.core.db import Base

PREFIX = "tm_"
#: Every scope a token can hold; ``read`` is implied by any other.
SCOPES = ("read", "listings:write", "inquiries:read", "contracts:read", "webhooks:write", "claims:read",
          "auctions:bid", "calls:apply")


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


class ApiToken(Base):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                        index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))  # space-separated
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def allows(self, scope: str) -> bool:
        return scope == "read" or scope in self.scope_set

    def usable(self, now: dt.datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now) and self.user.active
