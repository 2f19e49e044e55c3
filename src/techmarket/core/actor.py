"""Who is acting. Services take an explicit ``Actor`` and never read the request or ``current_user``."""

from __future__ import annotations

from dataclasses import dataclass, field

from techmarket.core.roles import STAFF_ROLES, Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    division_code: str | None = None
    """The 旗县 or 盟市 a science-bureau user works for (their account's area); ``None`` for everyone else."""

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(user_id=None, label=label, roles=frozenset({Role.ADMIN}))

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None and not self.roles

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles)) or Role.ADMIN in self.roles

    @property
    def is_operator(self) -> bool:
        return self.has(Role.OPERATOR)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles.intersection(STAFF_ROLES))


ANONYMOUS = Actor(user_id=None, label="anonymous")
