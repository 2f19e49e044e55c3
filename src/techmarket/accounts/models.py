"""Users and their roles."""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from techmarket.core.clock import utcnow
from techmarket.core.db import Base
from techmarket.core.roles import Role


class User(UserMixin, Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(16), default="zh_Hans_CN")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    email_confirmed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    # Bumped on password change, "sign out everywhere" or deactivation: every older session and remember-me
    # cookie stops working.
    auth_version: Mapped[int] = mapped_column(Integer, default=1)

    @property
    def login_token(self) -> str | None:
        """The sign-in this request came with (set by accounts.logins); not a column."""
        return self.__dict__.get("_login_token")

    @login_token.setter
    def login_token(self, value: str | None) -> None:
        self.__dict__["_login_token"] = value

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    area: Mapped[BureauArea | None] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                   lazy="select", uselist=False)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        mine = self.roles
        return Role.ADMIN in mine or any(r in mine for r in roles)

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def get_id(self) -> str:
        """Flask-Login's alternative id, kept in the session and the remember-me cookie: the user, the auth
        version and the sign-in's own token, which the server can revoke (see accounts.logins)."""
        return f"{self.id}:{self.auth_version}:{self.login_token or ''}"


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class BureauArea(Base):
    """The administrative division (a 旗县/开发区 or a 盟市) a science-bureau user works for, set by the operator.

    Part of the account, like its roles: the :class:`~techmarket.core.actor.Actor` carries it (its
    ``division_code``), so claims reviews, the statistics and every other layer read it without a query of
    their own. The division is referred to by its code (the table of divisions belongs to ``orgs``)."""

    __tablename__ = "claim_bureau_area"  # its name from the claims work that introduced it

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)

    user: Mapped[User] = relationship(back_populates="area", lazy="joined")


class UserLogin(Base):
    """One sign-in (one browser): its session and remember-me cookies work while this row exists."""

    __tablename__ = "user_login"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the token in the cookies
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


class LoginThrottle(Base):
    """Failed sign-ins for one email address (known or not), shared by every web worker."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the normalised address
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime]
    locked_until: Mapped[dt.datetime | None]
