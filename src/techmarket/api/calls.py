"""``/api/v1/calls``: the challenge calls (揭榜挂帅) as the challenges domain shows them to the public.

A published call is public; a draft or one under the operator's review only for its poster (a token of the
poster's organisation). The confidential details (behind the NDA) are never in the API. An organisation
applies (scope ``calls:apply``) through the same services as the web.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from techmarket.api import tokens
from techmarket.api.auth import current_actor, current_token, needs, require
from techmarket.api.conventions import cursor_page, json_response
from techmarket.api.openapi import ApiBlueprint
from techmarket.api.schemas import CursorArgs, CursorPageSchema
from techmarket.challenges import access, applications, calls, queries
from techmarket.challenges.calls import end_of_day
from techmarket.challenges.constants import PUBLIC_STATUSES, AppStatus
from techmarket.challenges.models import Call
from techmarket.core.errors import NotFound, PermissionDenied
from techmarket.extensions import csrf, db

bp = ApiBlueprint("api_calls", __name__, title="Calls",
                  description="Challenge calls (揭榜挂帅): the public facts.")
csrf.exempt(bp)
AMOUNT = validate.Regexp(r"^\d{1,13}(\.\d{1,2})?$", error="An amount in yuan, such as 500000 or 500000.50.")


class CallArgs(CursorArgs):
    status = fields.String(validate=validate.OneOf(sorted(str(s) for s in PUBLIC_STATUSES)))
    field = fields.String(validate=validate.Length(max=32))
    region = fields.String(validate=validate.Length(max=6), metadata={"description": "a 盟市 code, 150200"})
    bounty_min = fields.String(validate=AMOUNT, metadata={"description": "yuan"})
    bounty_max = fields.String(validate=AMOUNT, metadata={"description": "yuan"})
    deadline_before = fields.Date()


class WinnerSchema(Schema):
    application_id = fields.Integer(required=True)
    organisation = fields.String(required=True)


class CallSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    title = fields.String(required=True)
    public_summary = fields.String(required=True)
    problem = fields.String(required=True)
    poster = fields.Nested(Schema.from_dict({"id": fields.Integer(), "name": fields.String()}, name="CallPoster"),
                           required=True)
    field = fields.String(required=True)
    region = fields.String(allow_none=True)
    bounty = fields.String(required=True)
    fiscal = fields.Boolean(required=True)
    duration_months = fields.Integer(required=True)
    deadline = fields.String(required=True)
    accepting = fields.Boolean(required=True, metadata={"description": "taking applications now"})
    selection_mode = fields.String(required=True)
    max_winners = fields.Integer(required=True)
    consortium_allowed = fields.Boolean(required=True)
    targets = fields.List(fields.Dict(), required=True)
    published_at = fields.String(allow_none=True)
    awarded_at = fields.String(allow_none=True)
    winners = fields.List(fields.Nested(WinnerSchema), required=True)


class CallPageSchema(CursorPageSchema):
    items = fields.List(fields.Nested(CallSchema), required=True)


def present(call: Call, winners: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The public facts of a call (never ``confidential_details``, the NDA or the reviews)."""
    return {"id": call.id, "status": call.status, "title": call.title, "public_summary": call.public_summary,
            "problem": call.problem, "poster": {"id": call.poster_org_id, "name": call.poster_org.name},
            "field": call.field, "region": call.prefecture_code, "bounty": str(call.bounty), "fiscal": call.fiscal,
            "duration_months": call.duration_months, "deadline": call.deadline.isoformat(),
            "accepting": calls.accepting(call), "selection_mode": call.selection_mode,
            "max_winners": call.max_winners, "consortium_allowed": call.consortium_allowed,
            "targets": [dict(t) for t in call.targets or []],
            "published_at": call.published_at.isoformat() if call.published_at else None,
            "awarded_at": call.awarded_at.isoformat() if call.awarded_at else None, "winners": winners or []}


def winners_of(call: Call) -> list[dict[str, Any]]:
    """The awarded applications' lead organisations (public once the award is final)."""
    return [{"application_id": a.id, "organisation": a.lead_org.name}
            for a in queries.applications_of_call(db.session, call) if a.status == AppStatus.AWARDED]


def visible(call_id: int) -> Call:
    """A published call for everyone; another only for its poster (the web's rule); otherwise 404."""
    call = db.session.get(Call, call_id)
    if call is None or (call.status not in PUBLIC_STATUSES and not _poster(call)):
        raise NotFound(_l("There is no such call."))
    return call


def _poster(call: Call) -> bool:
    token = current_token()
    if token is None or token.organisation_id not in (None, call.poster_org_id):
        return False
    return access.is_poster(db.session, current_actor(), call)


@bp.route("/calls", methods=["GET"])
@bp.arguments(CallArgs, location="query")
@bp.response(200, CallPageSchema)
def index(args: dict[str, Any]) -> Response:
    """Published calls, newest first, with the filters of the web's list."""
    stmt = select(Call).where(Call.status.in_([str(s) for s in PUBLIC_STATUSES]))
    if args.get("status"):
        stmt = stmt.where(Call.status == args["status"])
    if args.get("field"):
        stmt = stmt.where(Call.field == args["field"])
    if args.get("region"):
        stmt = stmt.where(Call.prefecture_code == args["region"])
    if args.get("bounty_min"):
        stmt = stmt.where(Call.bounty >= Decimal(args["bounty_min"]))
    if args.get("bounty_max"):
        stmt = stmt.where(Call.bounty <= Decimal(args["bounty_max"]))
    if args.get("deadline_before") is not None:
        stmt = stmt.where(Call.deadline <= end_of_day(args["deadline_before"]))
    rows, nxt = cursor_page(db.session, stmt, Call.id, args["cursor"], args["limit"])
    return json_response({"items": [present(c) for c in rows], "next_cursor": nxt})


@bp.route("/calls/<int:call_id>", methods=["GET"])
@bp.response(200, CallSchema)
def detail(call_id: int) -> Response:
    """One call's public facts, with the winners once awarded."""
    call = visible(call_id)
    return json_response(present(call, winners_of(call)))


class MilestoneSchema(Schema):
    deliverable = fields.String(required=True, validate=validate.Length(1, 200))
    due_on = fields.String(required=True, validate=validate.Length(1, 10), metadata={"description": "YYYY-MM-DD"})
    criteria = fields.String(required=True, validate=validate.Length(0, 500))
    share = fields.String(required=True, validate=validate.Regexp(r"^\d{1,3}(\.\d{1,2})?$"),
                          metadata={"description": "percent of the bounty"})


class ApplyBody(Schema):
    organisation_id = fields.Integer(required=True, validate=validate.Range(1, 2**31 - 1))
    title = fields.String(required=True, validate=validate.Length(1, 200))
    sections = fields.Dict(keys=fields.String(validate=validate.Length(1, 32)),
                           values=fields.String(validate=validate.Length(0, 20000)), load_default=dict,
                           metadata={"description": "the call's rubric keys → the answer"})
    milestones = fields.List(fields.Nested(MilestoneSchema), load_default=list, validate=validate.Length(0, 20))
    budget = fields.String(required=True, validate=AMOUNT, metadata={"description": "yuan"})
    submit = fields.Boolean(load_default=False, metadata={"description": "submit now (else a draft)"})


class ApplicationSchema(Schema):
    id = fields.Integer(required=True)
    call_id = fields.Integer(required=True)
    lead_organisation_id = fields.Integer(required=True)
    status = fields.String(required=True)
    title = fields.String(required=True)
    submitted_at = fields.String(allow_none=True)


@bp.route("/calls/<int:call_id>/applications", methods=["POST"])
@needs("calls:apply")
@bp.arguments(ApplyBody)
@bp.response(201, ApplicationSchema)
@bp.doc(security=[{"token": []}], description="Scope `calls:apply`. An application (揭榜) of the token's "
        "organisation while the call takes applications, through the challenges services: a draft, or "
        "submitted with `submit: true` when complete (consortium partners and files: on the web).")
def apply(body: dict[str, Any], call_id: int) -> Response:
    token = require("calls:apply")
    actor = tokens.actor_of(token)
    call = visible(call_id)
    if token.organisation_id not in (None, body["organisation_id"]):
        raise PermissionDenied(_l("This token acts for another organisation."))
    made = applications.start(db.session, actor, call, body["organisation_id"])
    applications.save(db.session, actor, made, title=body["title"], sections=dict(body["sections"]),
                      milestones=[dict(m) for m in body["milestones"]], budget=Decimal(body["budget"]))
    if body["submit"]:
        applications.submit(db.session, actor, made)
    db.session.commit()
    return json_response({"id": made.id, "call_id": call.id, "lead_organisation_id": made.lead_org_id,
                          "status": made.status, "title": made.title,
                          "submitted_at": made.submitted_at.isoformat() if made.submitted_at else None}, 201)
