"""Applying to a call (揭榜): alone or as a consortium, the form built from the call's rubric, the milestones,
the attachments, and the eligibility rules checked when the application is submitted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from techmarket.challenges import access, calls, machines
from techmarket.challenges.constants import MAX_FILES, MAX_MEMBERS, REGION_SCOPES, AppStatus, MemberStatus
from techmarket.challenges.models import Application, ApplicationFile, Call, Member
from techmarket.core import audit, events, uploads, workflow
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from techmarket.orgs.constants import ORG_TYPE_LABELS
from techmarket.orgs.models import Organisation

HUNDRED = Decimal(100)
EDITABLE = frozenset({AppStatus.DRAFT, AppStatus.SUBMITTED})


def _fail(field: str, message: Any) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: message})


def _require_open(call: Call) -> None:
    if not calls.accepting(call):
        raise ValidationFailed(_l("The application deadline has passed: nothing is accepted after it."))


def _require_editable(session: Session, actor: Actor, app: Application, *, draft: bool = False) -> None:
    access.require_lead(session, actor, app)
    if app.status not in EDITABLE:
        raise ValidationFailed(_l("This application can no longer be changed."))
    if draft and app.status != AppStatus.DRAFT:
        raise ValidationFailed(_l("The consortium is fixed once the application is submitted; withdraw it and "
                                  "apply again to change the members."))
    _require_open(app.call)


def start(session: Session, actor: Actor, call: Call, org_id: int | None) -> Application:
    """A draft application by one of the actor's verified organisations (the lead, with all the shares)."""
    _require_open(call)
    orgs = [o for o in access.verified_orgs_of(session, actor) if o.id != call.poster_org_id]
    org = next((o for o in orgs if o.id == org_id), None) if org_id is not None else (orgs[0] if orgs else None)
    if org_id == call.poster_org_id:
        raise PermissionDenied(_l("The posting organisation cannot apply to its own call."))
    if org is None:
        raise PermissionDenied(_l("Only members of a verified organisation can apply. Ask the operator to verify "
                                  "your organisation first."))
    existing = session.scalar(select(Application).where(Application.call_id == call.id,
                                                        Application.lead_org_id == org.id))
    if existing is not None:
        return existing
    app = Application(call_id=call.id, lead_org_id=org.id, created_by_id=actor.user_id, title=call.title[:200],
                      status=AppStatus.DRAFT.value, sections={}, milestones=[])
    app.members = [_member(org, lead=True, work=HUNDRED, budget=HUNDRED)]
    session.add(app)
    session.flush()
    audit.record(session, actor, "application", app.id, "create", None, machines.application_snapshot(app))
    return app


def _member(org: Organisation, *, lead: bool = False, role: str = "", work: Decimal = Decimal(0),
            budget: Decimal = Decimal(0)) -> Member:
    abroad = org.region_kind == "abroad"
    return Member(organisation_id=org.id, organisation=org, is_lead=lead,
                  status=MemberStatus.CONFIRMED.value if lead else MemberStatus.INVITED.value, role=role,
                  work_share=work, budget_share=budget, country=(org.country or "") if abroad else "",
                  registration_number=(org.foreign_registration or "") if abroad else "")


def save(session: Session, actor: Actor, app: Application, *, title: str, sections: dict[str, str],
         milestones: list[dict[str, Any]], budget: Decimal, expected_version: int | None = None) -> Application:
    """The lead edits the form (a submitted application too, until the deadline)."""
    _require_editable(session, actor, app)
    if expected_version is not None and expected_version != app.version:
        raise machines.APPLICATION.stale(app)
    keys = {c["key"] for c in app.call.rubric}
    if not title.strip() or len(title) > 200:
        raise _fail("title", _l("Give a title of at most 200 characters."))
    if any(len(v) > 20000 for v in sections.values()):
        raise _fail("sections", _l("At most %(n)d characters.", n=20000))
    if not Decimal(0) <= budget <= app.call.bounty * 10:
        raise _fail("budget", _l("Give the budget in yuan."))
    rows = check_milestones(milestones, strict=False)
    before = machines.application_snapshot(app)
    app.title = title.strip()
    app.sections = {k: (sections.get(k) or "").strip() for k in keys}
    app.milestones = rows
    app.budget = budget
    if app.status == AppStatus.SUBMITTED:
        check_submission(session, app)  # a submitted application must stay complete
    session.flush()
    audit.record(session, actor, "application", app.id, "edit", before, machines.application_snapshot(app))
    return app


def check_milestones(rows: list[dict[str, Any]], *, strict: bool) -> list[dict[str, Any]]:
    """The milestones cleaned; bad dates or shares raise; ``strict`` also wants shares adding up to 100."""
    clean = []
    for i, r in enumerate(rows, 1):
        try:
            due = dt.date.fromisoformat(str(r.get("due_on", "")).strip())
            share = Decimal(str(r.get("share", "")).strip().rstrip("%"))
        except (ValueError, InvalidOperation):
            raise _fail("milestones", _l("Milestone %(n)d: give the due date as YYYY-MM-DD and the share as a "
                                         "number.", n=i)) from None
        if not str(r.get("deliverable", "")).strip() or not Decimal(0) < share <= HUNDRED:
            raise _fail("milestones", _l("Milestone %(n)d: give the deliverable and a share between 0 and 100.",
                                         n=i))
        clean.append({"deliverable": str(r["deliverable"]).strip()[:500], "due_on": due.isoformat(),
                      "criteria": str(r.get("criteria", "")).strip()[:2000], "share": str(share)})
    if len(clean) > 20:
        raise _fail("milestones", _l("At most %(n)d milestones.", n=20))
    if strict and (not clean or sum(Decimal(r["share"]) for r in clean) != HUNDRED):
        raise _fail("milestones", _l("The milestones' shares of the bounty must add up to 100%."))
    return clean


# --- the consortium -----------------------------------------------------------------------------------------

def find_org(session: Session, code: str) -> Organisation | None:
    code = code.strip().upper()
    if not code:
        return None
    return session.scalar(select(Organisation).where(or_(Organisation.credit_code == code,
                                                         Organisation.foreign_registration == code)))


def invite(session: Session, actor: Actor, app: Application, code: str, role: str) -> Member:
    """The lead invites a verified organisation (by credit code or foreign registration number)."""
    _require_editable(session, actor, app, draft=True)
    if not app.call.consortium_allowed:
        raise _fail("code", _l("This call does not accept consortia."))
    org = find_org(session, code)
    if org is None or org.status != "verified":
        raise _fail("code", _l("No verified organisation has this credit code or registration number."))
    if org.id == app.call.poster_org_id:
        raise _fail("code", _l("The posting organisation cannot be a member of an application."))
    if org.id in app.org_ids:
        raise _fail("code", _l("This organisation is a member already."))
    if len(app.members) >= MAX_MEMBERS:
        raise _fail("code", _l("At most %(n)d members.", n=MAX_MEMBERS))
    member = _member(org, role=role.strip()[:200])
    app.members.append(member)
    session.flush()
    audit.record(session, actor, "application", app.id, "invite", None, {"organisation_id": org.id})
    events.publish(session, events.DomainEvent("consortium_member.invited", "consortium_member", member.id, actor,
                                               {"organisation_id": org.id}, subject=member))
    return member


def remove_member(session: Session, actor: Actor, app: Application, member_id: int) -> None:
    _require_editable(session, actor, app, draft=True)
    member = next((m for m in app.members if m.id == member_id and not m.is_lead), None)
    if member is None:
        raise NotFound(_l("No such member."))
    app.members.remove(member)
    session.flush()
    audit.record(session, actor, "application", app.id, "remove_member", {"organisation_id": member.organisation_id},
                 None)


def set_shares(session: Session, actor: Actor, app: Application, shares: dict[int, tuple[str, Decimal, Decimal]]
               ) -> None:
    """Each member's role, share of the work and share of the budget; both shares must add up to 100%."""
    _require_editable(session, actor, app, draft=True)
    by_id = {m.id: m for m in app.members}
    if set(shares) != set(by_id):
        raise Conflict(_l("The members changed meanwhile. Reload the page."))
    for _role, work, budget in shares.values():
        if not (Decimal(0) <= work <= HUNDRED and Decimal(0) <= budget <= HUNDRED):
            raise _fail("shares", _l("Each share is between 0 and 100%."))
    if sum(w for _r, w, _b in shares.values()) != HUNDRED:
        raise _fail("shares", _l("The shares of the work add up to %(n)s%%; they must add up to 100%%.",
                                 n=sum(w for _r, w, _b in shares.values())))
    if sum(b for _r, _w, b in shares.values()) != HUNDRED:
        raise _fail("shares", _l("The shares of the budget add up to %(n)s%%; they must add up to 100%%.",
                                 n=sum(b for _r, _w, b in shares.values())))
    for member_id, (role, work, budget) in shares.items():
        m = by_id[member_id]
        m.role, m.work_share, m.budget_share = role.strip()[:200], work, budget
    session.flush()
    audit.record(session, actor, "application", app.id, "shares", None,
                 {str(k): [v[0], str(v[1]), str(v[2])] for k, v in shares.items()})


def answer_invitation(session: Session, actor: Actor, member: Member, confirm: bool) -> Member:
    _require_open(member.application.call)
    workflow.apply(session, actor, machines.MEMBER, member, "confirm" if confirm else "decline")
    return member


# --- submitting: the eligibility rules of the call ------------------------------------------------------------

def eligibility_problems(session: Session, app: Application) -> list[Any]:
    """Why this application may not be submitted (empty: it may)."""
    call = app.call
    problems: list[Any] = []
    if app.is_consortium and not call.consortium_allowed:
        problems.append(_l("This call does not accept consortia."))
    for m in app.members:
        org = m.organisation
        if org.status != "verified":
            problems.append(_l("%(org)s is not verified by the market operator.", org=org.name))
        if call.org_types and org.org_type not in call.org_types:
            problems.append(_l("%(org)s is a %(type)s; this call accepts only: %(types)s.", org=org.name,
                               type=ORG_TYPE_LABELS.get(org.org_type, org.org_type),  # type: ignore[call-overload]
                               types="、".join(str(ORG_TYPE_LABELS.get(t, t)) for t in call.org_types)))  # type: ignore
        if (call.region_scope == "local" and org.region_kind != "local") or (
                call.region_scope == "china" and org.region_kind == "abroad"):
            problems.append(_l("%(org)s is outside the area of this call (%(scope)s).", org=org.name,
                               scope=REGION_SCOPES[call.region_scope]))
        if org.region_kind == "abroad" and not (m.country and m.registration_number):
            problems.append(_l("%(org)s is abroad: its country and registration number are needed.", org=org.name))
        if m.status != MemberStatus.CONFIRMED:
            problems.append(_l("%(org)s has not confirmed its membership.", org=org.name))
    if sum(m.work_share for m in app.members) != HUNDRED or sum(m.budget_share for m in app.members) != HUNDRED:
        problems.append(_l("The members' shares of the work and of the budget must each add up to 100%."))
    for c in call.rubric:
        if not (app.sections or {}).get(c["key"], "").strip():
            problems.append(_l("Fill in the section “%(name)s”.", name=c["name"]))
    try:
        check_milestones(app.milestones, strict=True)
    except ValidationFailed as exc:
        problems.append(exc.message)
    return problems


def check_submission(session: Session, app: Application) -> None:
    problems = eligibility_problems(session, app)
    if problems:
        raise ValidationFailed(_l("The application cannot be submitted: %(why)s", why=_sentences(problems)))


def _sentences(problems: list[Any]) -> str:
    """The problems one after the other: each is a sentence with its own full stop, so nothing goes between
    Chinese ones (a "；" made "。；") and a space between English ones."""
    text = ""
    for problem in map(str, problems):
        text += problem if not text or text.endswith("。") else " " + problem
    return text


def submit(session: Session, actor: Actor, app: Application, expected_version: int | None = None) -> Application:
    access.require_lead(session, actor, app)
    _require_open(app.call)
    check_submission(session, app)
    workflow.apply(session, actor, machines.APPLICATION, app, "submit", expected_version=expected_version)
    app.submitted_at = utcnow()
    session.flush()
    return app


def withdraw(session: Session, actor: Actor, app: Application, expected_version: int | None = None) -> Application:
    access.require_lead(session, actor, app)
    _require_open(app.call)
    workflow.apply(session, actor, machines.APPLICATION, app, "withdraw", expected_version=expected_version)
    return app


# --- attachments, checked by their real type ----------------------------------------------------------------

def add_file(session: Session, actor: Actor, app: Application, filename: str, stream: BinaryIO, *,
             instance_path: str, max_bytes: int) -> ApplicationFile:
    _require_editable(session, actor, app)
    if len(app.files) >= MAX_FILES:
        raise _fail("file", _l("At most %(n)d attachments.", n=MAX_FILES))
    stored = uploads.store(filename, stream, instance_path=instance_path, max_bytes=max_bytes)
    row = ApplicationFile(application_id=app.id, filename=stored.filename, content_type=stored.content_type,
                          size=stored.size, sha256=stored.sha256, uploaded_by_id=actor.user_id)
    app.files.append(row)
    session.flush()
    audit.record(session, actor, "application", app.id, "attach", None,
                 {"file_id": row.id, "filename": row.filename, "sha256": row.sha256})
    return row


def remove_file(session: Session, actor: Actor, app: Application, file_id: int) -> None:
    _require_editable(session, actor, app)
    row = next((f for f in app.files if f.id == file_id), None)
    if row is None:
        raise NotFound(_l("No such attachment."))
    app.files.remove(row)
    session.flush()
    audit.record(session, actor, "application", app.id, "detach", {"file_id": file_id, "filename": row.filename},
                 None)


def may_view(session: Session, actor: Actor, app: Application) -> bool:
    """The applicants, the poster, the operator; experts through their review page."""
    return (access.is_applicant(session, actor, app) or actor.is_operator
            or (app.status != AppStatus.DRAFT and access.is_poster(session, actor, app.call)))
