"""Choice lists of the contract domain (data, not rules): POLICY.md §3.

The contract types and subtypes live in ``reference/types.json`` because the national rules are being
revised; everything else here is a label table.
"""

from __future__ import annotations

import enum
import functools
import json
from dataclasses import dataclass
from importlib import resources

from flask_babel import lazy_gettext as _l

from techmarket.core.i18n import is_chinese


@dataclass(frozen=True)
class Subtype:
    type_code: str
    code: str
    zh: str
    en: str
    policy_type: str
    tax_kind: str | None = None  # "ownership" | "licence" | None
    tax_subject: str | None = None

    @property
    def key(self) -> str:
        return f"{self.type_code}.{self.code}"


@dataclass(frozen=True)
class ContractType:
    code: str
    zh: str
    en: str
    subtypes: tuple[Subtype, ...]


@functools.cache
def contract_types() -> tuple[ContractType, ...]:
    """The type table from ``reference/types.json``, loaded once."""
    raw = json.loads(resources.files("techmarket.contracts").joinpath("reference/types.json").read_text("utf-8"))
    return tuple(
        ContractType(t["code"], t["zh"], t["en"], tuple(
            Subtype(t["code"], s["code"], s["zh"], s["en"], s["policy_type"], s.get("tax_kind"),
                    s.get("tax_subject"))
            for s in t["subtypes"]))
        for t in raw["types"]
    )


def subtype(type_code: str, subtype_code: str) -> Subtype | None:
    for ctype in contract_types():
        if ctype.code == type_code:
            return next((s for s in ctype.subtypes if s.code == subtype_code), None)
    return None


def type_label(type_code: str, subtype_code: str | None = None) -> str:
    """``技术转让 · 专利权转让`` in the user's language (the code itself for an unknown type)."""
    ctype = next((t for t in contract_types() if t.code == type_code), None)
    if ctype is None:
        return type_code
    zh = is_chinese()
    head = ctype.zh if zh else ctype.en
    sub = next((s for s in ctype.subtypes if s.code == subtype_code), None)
    if sub is None or len(ctype.subtypes) == 1:
        return head
    return f"{head} · {sub.zh if zh else sub.en}"


def subtype_choices() -> list[tuple[str, str, str]]:
    """``(value "type.subtype", label, group label)`` for a grouped select."""
    zh = is_chinese()
    return [(s.key, s.zh if zh else s.en, t.zh if zh else t.en) for t in contract_types() for s in t.subtypes]


class Status(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SECOND_REVIEW = "second_review"  # approved by one registrar, waiting for the second
    REGISTERED = "registered"
    RETURNED = "returned"
    REFUSED = "refused"
    RESCINDED = "rescinded"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"  # the deal it was drafted from was cancelled: closed for good


STATUS_LABELS = {
    Status.DRAFT: _l("Draft"),
    Status.SUBMITTED: _l("Submitted for registration"),
    Status.SECOND_REVIEW: _l("Awaiting the second registrar"),
    Status.REGISTERED: _l("Registered"),
    Status.RETURNED: _l("Returned for missing material"),
    Status.REFUSED: _l("Registration refused"),
    Status.RESCINDED: _l("Rescinded"),
    Status.WITHDRAWN: _l("Withdrawn"),
    Status.CANCELLED: _l("Cancelled with its deal"),
}
IN_REVIEW = frozenset({Status.SUBMITTED, Status.SECOND_REVIEW})


class PartyRole(enum.StrEnum):
    SELLER = "seller"
    BUYER = "buyer"
    BROKER = "broker"
    AGENCY = "agency"
    MEMBER = "member"  # a co-developer of a consortium (联合体成员, 合作方): a party, but the lead acts for it


ACTING_ROLES = frozenset({PartyRole.SELLER, PartyRole.BUYER, PartyRole.BROKER, PartyRole.AGENCY})

PARTY_ROLE_LABELS = {
    PartyRole.SELLER: _l("Seller (transferor, licensor, developer or adviser)"),
    PartyRole.BUYER: _l("Buyer (transferee, licensee or client)"),
    PartyRole.BROKER: _l("Broker"),
    PartyRole.AGENCY: _l("Technology-transfer agency"),
    PartyRole.MEMBER: _l("Co-developer (consortium member)"),
}
PARTY_ROLE_SHORT = {
    PartyRole.SELLER: _l("Seller"),
    PartyRole.BUYER: _l("Buyer"),
    PartyRole.BROKER: _l("Broker"),
    PartyRole.AGENCY: _l("Technology-transfer agency"),
    PartyRole.MEMBER: _l("Co-developer"),
}

NATURES = {
    "state_owned": _l("State-owned enterprise"),
    "private": _l("Private enterprise"),
    "foreign_invested": _l("Foreign-invested enterprise"),
    "university": _l("University"),
    "institute": _l("Research institute"),
    "public_institution": _l("Public institution (事业单位)"),
    "government": _l("Government department"),
    "social_organisation": _l("Social organisation"),
    "individual": _l("Individual"),
    "foreign": _l("Organisation outside China"),
    "other": _l("Other"),
}

NON_TECH_CATEGORIES = {
    "equipment": _l("Equipment"),
    "instruments": _l("Instruments"),
    "parts": _l("Parts and components"),
    "raw_materials": _l("Raw materials"),
}

EXCLUSIVITY = {
    "exclusive": _l("Exclusive (独占)"),
    "sole": _l("Sole (排他)"),
    "ordinary": _l("Ordinary (普通)"),
}

IP_KINDS = {
    "invention_patent": _l("Invention patent"),
    "utility_model": _l("Utility model"),
    "design": _l("Design patent"),
    "patent_application": _l("Patent application"),
    "software": _l("Software copyright"),
    "ic_layout": _l("IC layout design"),
    "plant_variety": _l("Plant variety"),
    "biomedicine": _l("Biomedicine variety"),
    "know_how": _l("Know-how"),
    "other": _l("Other"),
}

# POLICY.md §3: the reasons a registrar may refuse registration.
REFUSAL_REASONS = {
    "parties_unclear": _l("The parties are unclear"),
    "subject_unclear": _l("The subject is unclear"),
    "price_unclear": _l("The price or royalty is unclear"),
    "monopolising": _l("The contract contains monopolising clauses"),
    "documents": _l("Documents missing or non-conforming"),
    "seal_mismatch": _l("The name does not match the seal"),
    "invalid": _l("The contract is invalid or not yet effective"),
    "not_technology": _l("It is not a technology contract"),
    "approval_missing": _l("A required approval is missing"),
    "name_inconsistent": _l("The name is inconsistent with the rights and duties"),
}

DOCUMENT_KINDS = {
    "signed_contract": _l("Signed contract"),
    "supporting": _l("Supporting document"),
    "approval": _l("Approval document (fiscal funding)"),
    "receipt": _l("Bank-transfer receipt"),
}

PAYMENT_STATUS = {
    "pending": _l("Awaiting confirmation"),
    "confirmed": _l("Confirmed"),
    "rejected": _l("Rejected"),
}
