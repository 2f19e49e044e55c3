"""Choice lists of the listing domain (data, not rules): POLICY.md §1 clause (一) taxonomy and the rest."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Kind(enum.StrEnum):
    ACHIEVEMENT = "achievement"
    DEMAND = "demand"


KIND_LABELS = {Kind.ACHIEVEMENT: _l("Technology achievement"), Kind.DEMAND: _l("Technology demand")}


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.SUBMITTED: _l("Submitted for review"),
    Status.PUBLISHED: _l("Published"),
    Status.RETURNED: _l("Returned for changes"),
    Status.WITHDRAWN: _l("Withdrawn"),
    Status.CLOSED: _l("Closed (traded)"),
    Status.EXPIRED: _l("Expired"),
}

# POLICY.md §1, clause (一): the five key fields first.
FIELDS = {
    "rare_earth": _l("Rare earths (稀土)"),
    "energy_storage": _l("Large-scale energy storage (大规模储能)"),
    "graphene": _l("Graphene (石墨烯)"),
    "hydrogen": _l("Hydrogen energy (氢能)"),
    "ccus": _l("Carbon capture, utilisation and storage (CCUS)"),
    "new_energy": _l("New energy (新能源)"),
    "new_materials": _l("New materials (新材料)"),
    "high_end_equipment": _l("High-end equipment manufacturing"),
    "ecology": _l("Ecology and environment (生态环境)"),
    "agriculture": _l("Modern agriculture and animal husbandry"),
    "coal": _l("Coal (煤炭)"),
    "power": _l("Electric power (电力)"),
    "chemicals": _l("Chemical industry (化工)"),
    "metallurgy": _l("Metallurgy (冶金)"),
    "seed_industry": _l("Seed industry (种业)"),
    "ict_ai": _l("Information technology and AI"),
}
KEY_FIELDS = ("rare_earth", "energy_storage", "graphene", "hydrogen", "ccus")

MATURITY = {
    "lab": _l("Laboratory (实验室)"),
    "pilot_small": _l("Small-scale trial (小试)"),
    "pilot": _l("Pilot (中试)"),
    "trial_production": _l("Trial production (试生产)"),
    "industrialised": _l("Industrialised (产业化)"),
}

TRANSACTION_MODES = {
    "transfer": _l("Transfer (转让)"),
    "licence_exclusive": _l("Exclusive licence (独占许可)"),
    "licence_sole": _l("Sole licence (排他许可)"),
    "licence_ordinary": _l("Ordinary licence (普通许可)"),
    "equity": _l("Technology as equity (作价入股)"),
    "co_development": _l("Joint development (合作开发)"),
    "service": _l("Technical service (技术服务)"),
}

IP_TYPES = {
    "invention": _l("Invention patent"),
    "utility_model": _l("Utility model"),
    "design": _l("Design patent"),
    "software": _l("Software copyright"),
    "ic_layout": _l("IC layout design"),
    "plant_variety": _l("Plant variety"),
    "biomedicine": _l("Biomedicine variety"),
    "know_how": _l("Know-how (技术秘密)"),
}
PATENT_TYPES = ("invention", "utility_model", "design")

IP_STATUSES = {
    "applied": _l("Applied"),
    "granted": _l("Granted"),
    "registered": _l("Registered"),
    "lapsed": _l("Lapsed"),
}

CONFIDENTIALITY = {
    "public": _l("Public"),
    "verified_only": _l("Details for verified organisations only (issuer anonymous to the public)"),
}

# A sane ceiling for any listed amount: 100 billion yuan.
MAX_AMOUNT = 100_000_000_000
