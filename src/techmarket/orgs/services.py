"""Organisation rules: creation, editing, verification, membership and invitations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from techmarket.accounts.models import User
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import local_today, utcnow
from techmarket.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from techmarket.core.i18n import is_chinese
from techmarket.core.roles import Role
from techmarket.core.workflow import Machine, apply
from techmarket.orgs import creditcode, workflow
from techmarket.orgs.constants import LISTING_BOARDS, PROVINCES, MemberRole, OrgStatus, OrgType, RegionKind
from techmarket.orgs.models import Division, Invitation, Membership, Organisation

KEY_FACTS = ("name", "org_type", "credit_code", "foreign_registration")


@dataclass
class OrgData:
    name: str
    org_type: str
    region_kind: str
    credit_code: str = ""
    claim_real_code: bool = False
    foreign_registration: str = ""
    division_code: str = ""
    province: str = ""
    country: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    is_high_tech: bool = False
    high_tech_cert_date: dt.date | None = None
    is_tech_sme: bool = False
    state_owned: bool = False
    relocated: bool = False
    first_revenue_year: int | None = None
    listing_board: str = ""


def snapshot(org: Organisation) -> dict:
    return {
        "name": org.name, "org_type": org.org_type, "credit_code": org.credit_code,
        "foreign_registration": org.foreign_registration, "code_check_failed": org.code_check_failed,
        "region_kind": org.region_kind, "division_code": org.division_code, "province": org.province,
        "country": org.country, "address": org.address, "contact_name": org.contact_name,
        "contact_phone": org.contact_phone, "contact_email": org.contact_email,
        "is_high_tech": org.is_high_tech, "high_tech_cert_date": org.high_tech_cert_date,
        "is_tech_sme": org.is_tech_sme, "state_owned": org.state_owned, "relocated": org.relocated,
        "first_revenue_year": org.first_revenue_year, "listing_board": org.listing_board,
        "status": org.status, "return_reason": org.return_reason,
    }


def _validate(session: Session, data: OrgData, org_id: int | None) -> dict[str, object]:
    errors: dict[str, object] = {}
    data.name = data.name.strip()
    if not 2 <= len(data.name) <= 200:
        errors["name"] = _l("Enter the registered name (2 to 200 characters).")
    if data.org_type not in {t.value for t in OrgType}:
        errors["org_type"] = _l("Choose a type from the list.")
    if data.region_kind not in {k.value for k in RegionKind}:
        errors["region_kind"] = _l("Choose where the organisation is registered.")
    if data.region_kind == RegionKind.ABROAD:
        data.credit_code = ""
        data.foreign_registration = data.foreign_registration.strip()
        if not data.foreign_registration or len(data.foreign_registration) > 64:
            errors["foreign_registration"] = _l("Enter the registration number in its country.")
        if not 2 <= len(data.country.strip()) <= 100:
            errors["country"] = _l("Enter the country.")
    else:
        errors.update(_validate_code(session, data, org_id))
    if data.region_kind == RegionKind.LOCAL:
        division = session.get(Division, data.division_code or "")
        if division is None or division.level == "province":
            errors["division_code"] = _l("Choose a league/city or banner/county of Inner Mongolia.")
    if data.region_kind == RegionKind.DOMESTIC and data.province not in PROVINCES:
        errors["province"] = _l("Choose the province from the list.")
    if data.is_high_tech and data.high_tech_cert_date is None:
        errors["high_tech_cert_date"] = _l("Give the date of the high-tech enterprise certificate.")
    if data.high_tech_cert_date and data.high_tech_cert_date > local_today():
        errors["high_tech_cert_date"] = _l("The certificate date cannot be in the future.")
    this_year = local_today().year
    if data.relocated and not (data.first_revenue_year and 1990 <= data.first_revenue_year <= this_year):
        errors["first_revenue_year"] = _l("Give the year of first production revenue (1990 to %(y)d).",
                                          y=this_year)
    if data.listing_board not in LISTING_BOARDS:
        errors["listing_board"] = _l("Choose a board from the list.")
    return errors


def _validate_code(session: Session, data: OrgData, org_id: int | None) -> dict[str, object]:
    result = creditcode.check(data.credit_code)
    data.credit_code = result.code
    if not result.valid and not (result.overridable and data.claim_real_code):
        hint = _l(" If your code is real, tick the box below and the operator will confirm it.")
        detail = _l("Unified social credit code %(detail)s.", detail=result.detail_zh
                    if is_chinese() else result.detail_en)
        return {"credit_code": f"{detail}{hint if result.overridable else ''}"}
    clash = session.scalar(select(Organisation.id).where(Organisation.credit_code == result.code))
    if clash is not None and clash != org_id:
        return {"credit_code": _l("An organisation with this code is already registered.")}
    data.claim_real_code = data.claim_real_code and not result.valid
    return {}


def _apply(org: Organisation, data: OrgData) -> None:
    values = asdict(data)
    values.pop("claim_real_code")
    for key, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(org, key, value if value != "" or key in {"address", "contact_name", "contact_phone",
                                                          "contact_email", "listing_board"} else None)
    org.code_check_failed = data.claim_real_code
    if data.region_kind != RegionKind.LOCAL:
        org.division_code = None
    if data.region_kind != RegionKind.DOMESTIC:
        org.province = None
    if data.region_kind != RegionKind.ABROAD:
        org.country = None
        org.foreign_registration = None
    if not data.is_high_tech:
        org.high_tech_cert_date = None
    if not data.relocated:
        org.first_revenue_year = None


def create(session: Session, actor: Actor, data: OrgData) -> Organisation:
    if actor.user_id is None:
        raise PermissionDenied(_l("Sign in to register an organisation."))
    errors = _validate(session, data, None)
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    org = Organisation(status=OrgStatus.PENDING.value)
    _apply(org, data)
    org.memberships.append(Membership(user_id=actor.user_id, role=MemberRole.OWNER.value))
    session.add(org)
    session.flush()
    audit.record(session, actor, "organisation", org.id, "create", None, snapshot(org))
    return org


def membership(session: Session, org_id: int, user_id: int | None) -> Membership | None:
    if user_id is None:
        return None
    return session.scalar(select(Membership).where(Membership.organisation_id == org_id,
                                                   Membership.user_id == user_id))


def require_owner(session: Session, actor: Actor, org: Organisation, *, staff_ok: bool = True) -> None:
    if staff_ok and actor.has(Role.OPERATOR):
        return
    m = membership(session, org.id, actor.user_id)
    if m is None or m.role != MemberRole.OWNER:
        raise PermissionDenied(_l("Only an owner of this organisation may do this."))


def require_member_or_staff(session: Session, actor: Actor, org: Organisation) -> None:
    if actor.is_staff or membership(session, org.id, actor.user_id) is not None:
        return
    raise PermissionDenied(_l("Only members of this organisation may see this page."))


def update(session: Session, actor: Actor, org: Organisation, data: OrgData) -> Organisation:
    require_owner(session, actor, org)
    errors = _validate(session, data, org.id)
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    before = snapshot(org)
    _apply(org, data)
    key_changed = any(before[k] != getattr(org, k) for k in KEY_FACTS) or (org.code_check_failed and \
        not before["code_check_failed"])
    session.flush()
    audit.record(session, actor, "organisation", org.id, "update", before, snapshot(org))
    if org.status == OrgStatus.RETURNED or (org.status == OrgStatus.VERIFIED and key_changed):
        apply(session, actor, MACHINE, org, "resubmit")
    return org


def _authorise(session: Session, actor: Actor, org: Organisation, who: str) -> None:
    if who == workflow.OPERATOR:
        if not actor.has(Role.OPERATOR):
            raise PermissionDenied(_l("Only the market operator verifies organisations."))
    else:
        require_owner(session, actor, org)


def _guard_verify(session: Session, actor: Actor, org: Organisation, data: Mapping[str, Any]) -> None:
    if org.code_check_failed and not str(data.get("override_reason") or "").strip():
        msg = _l("The credit code fails its check: confirm it is real and say how you checked.")
        raise ValidationFailed(msg, field_errors={"override_reason": msg})


def _on_verify(session: Session, actor: Actor, org: Organisation, data: Mapping[str, Any]) -> dict[str, Any]:
    org.return_reason = None
    if org.code_check_failed:
        org.code_override_reason = str(data["override_reason"]).strip()
        org.code_override_by_id = actor.user_id
    org.decided_at, org.decided_by_id = utcnow(), actor.user_id
    return {"code_override_reason": org.code_override_reason}


def _guard_return(session: Session, actor: Actor, org: Organisation, data: Mapping[str, Any]) -> None:
    if not str(data.get("reason") or "").strip():
        raise ValidationFailed(_l("Say why it is returned."),
                               field_errors={"reason": _l("Give the reason for returning it.")})


def _on_return(session: Session, actor: Actor, org: Organisation, data: Mapping[str, Any]) -> None:
    org.return_reason = str(data["reason"]).strip()[:2000]
    org.decided_at, org.decided_by_id = utcnow(), actor.user_id


_RULES: dict[str, dict[str, Any]] = {
    "verify": {"guard": _guard_verify, "effect": _on_verify},
    "return": {"guard": _guard_return, "effect": _on_return},
}
_DECIDED = Conflict(_l("This organisation was already decided or changed. Reload to see its state."))

MACHINE: Machine[Organisation] = Machine(
    name="organisation",
    transitions=tuple(replace(t, **_RULES.get(t.action, {})) for t in workflow.TRANSITIONS),
    authorise=_authorise,
    snapshot=snapshot,
    not_possible=lambda org, action: _DECIDED,
    stale=lambda org: _DECIDED,
)


def decide(session: Session, actor: Actor, org: Organisation, *, verify: bool, reason: str,
           expected_version: int, override_reason: str = "") -> Organisation:
    """The operator verifies or returns a pending organisation; the first of two operators wins."""
    apply(session, actor, MACHINE, org, "verify" if verify else "return", expected_version=expected_version,
          reason=reason if not verify else "", override_reason=override_reason)
    return org


def invite(session: Session, actor: Actor, org: Organisation, email: str, role: str) -> Invitation:
    require_owner(session, actor, org, staff_ok=False)
    if role not in {r.value for r in MemberRole}:
        raise ValidationFailed(_l("Choose a role."), field_errors={"role": _l("Choose a role.")})
    existing = session.scalar(select(Membership).join(User).where(
        Membership.organisation_id == org.id, func.lower(User.email) == email))
    if existing is not None:
        msg = _l("This person is already a member.")
        raise ValidationFailed(msg, field_errors={"email": msg})
    inv = Invitation(organisation_id=org.id, email=email, role=role, invited_by_id=actor.user_id)
    session.add(inv)
    session.flush()
    audit.record(session, actor, "organisation", org.id, "invite", None, {"email": email, "role": role})
    return inv


def accept_invitation(session: Session, actor: Actor, user: User, invitation_id: int) -> Membership:
    inv = session.get(Invitation, invitation_id)
    if inv is None or not inv.is_open:
        raise NotFound(_l("This invitation is not valid any more."))
    if inv.email.lower() != user.email.lower():
        raise PermissionDenied(_l("This invitation was sent to another email address. Sign in with it."))
    m = membership(session, inv.organisation_id, user.id)
    if m is None:
        m = Membership(organisation_id=inv.organisation_id, user_id=user.id, role=inv.role)
        session.add(m)
    inv.accepted_at = utcnow()
    session.flush()
    audit.record(session, actor, "organisation", inv.organisation_id, "join", None,
                 {"user_id": user.id, "role": m.role})
    return m


def revoke_invitation(session: Session, actor: Actor, inv: Invitation) -> None:
    require_owner(session, actor, inv.organisation, staff_ok=False)
    if inv.is_open:
        inv.revoked_at = utcnow()
        session.flush()
        audit.record(session, actor, "organisation", inv.organisation_id, "revoke_invitation", None,
                     {"email": inv.email})


def _owners(session: Session, org_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organisation_id == org_id, Membership.role == MemberRole.OWNER)) or 0


def remove_member(session: Session, actor: Actor, org: Organisation, member: Membership) -> None:
    """An owner removes a member, or a member leaves (``member.user_id == actor.user_id``)."""
    if member.organisation_id != org.id:
        raise NotFound(_l("No such member."))
    if member.user_id != actor.user_id:
        require_owner(session, actor, org, staff_ok=False)
    if member.role == MemberRole.OWNER and _owners(session, org.id) <= 1:
        raise Conflict(_l("An organisation needs an owner: make another member owner first."))
    session.delete(member)
    session.flush()
    action = "leave" if member.user_id == actor.user_id else "remove_member"
    audit.record(session, actor, "organisation", org.id, action, {"user_id": member.user_id}, None)


def set_member_role(session: Session, actor: Actor, org: Organisation, member: Membership, role: str) -> None:
    require_owner(session, actor, org, staff_ok=False)
    if role not in {r.value for r in MemberRole} or member.organisation_id != org.id:
        raise NotFound(_l("No such member."))
    if member.role == MemberRole.OWNER and role != MemberRole.OWNER and _owners(session, org.id) <= 1:
        raise Conflict(_l("An organisation needs an owner: make another member owner first."))
    before = {"user_id": member.user_id, "role": member.role}
    member.role = role
    session.flush()
    audit.record(session, actor, "organisation", org.id, "set_member_role", before,
                 {"user_id": member.user_id, "role": role})
