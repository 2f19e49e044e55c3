"""The platform's roles. Lives in core because every layer checks them."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Role(enum.StrEnum):
    RESEARCHER = "researcher"
    ENTERPRISE = "enterprise"
    EXPERT = "expert"
    BROKER = "broker"
    REGISTRAR = "registrar"
    COUNTY_BUREAU = "county_bureau"
    CITY_BUREAU = "city_bureau"
    OPERATOR = "operator"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.RESEARCHER: _l("Researcher"),
    Role.ENTERPRISE: _l("Enterprise member"),
    Role.EXPERT: _l("Expert"),
    Role.BROKER: _l("Broker"),
    Role.REGISTRAR: _l("Registrar"),
    Role.COUNTY_BUREAU: _l("County science bureau"),
    Role.CITY_BUREAU: _l("Prefecture science bureau"),
    Role.OPERATOR: _l("Operator"),
    Role.ADMIN: _l("Administrator"),
}

SELF_SERVICE_ROLES = (Role.RESEARCHER, Role.ENTERPRISE, Role.EXPERT, Role.BROKER)
STAFF_ROLES = frozenset({Role.REGISTRAR, Role.OPERATOR, Role.ADMIN})
BUREAU_ROLES = frozenset({Role.COUNTY_BUREAU, Role.CITY_BUREAU})
"""Science bureaus of a 旗县 or a 盟市: their account carries the division they work for."""
