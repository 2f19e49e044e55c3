"""``/api/v1/webhooks``: an organisation's subscriptions, managed with a token (scope ``webhooks:write``, an
owner of the organisation), and the catalogue of events one can subscribe to."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from techmarket.api import tokens
from techmarket.api.auth import needs, require
from techmarket.api.conventions import json_response
from techmarket.api.openapi import ApiBlueprint
from techmarket.core.errors import NotFound
from techmarket.extensions import csrf, db
from techmarket.orgs.models import Membership
from techmarket.webhooks import catalogue, services
from techmarket.webhooks.models import WebhookSubscription

bp = ApiBlueprint("api_webhooks", __name__, title="Webhooks",
                  description="Webhook subscriptions of the token's organisation.")
csrf.exempt(bp)
WRITE: list[dict[str, list[str]]] = [{"token": []}]


class EventTypeSchema(Schema):
    name = fields.String(required=True)
    description = fields.String(required=True)


class EventTypesSchema(Schema):
    items = fields.List(fields.Nested(EventTypeSchema), required=True)


class SubscribeSchema(Schema):
    url = fields.String(required=True, validate=validate.Length(max=500))
    event_types = fields.List(fields.String(validate=validate.Length(max=64)), required=True,
                              validate=validate.Length(min=1, max=20))
    organisation_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 2**31 - 1))


class SubscriptionSchema(Schema):
    id = fields.Integer(required=True)
    organisation_id = fields.Integer(required=True)
    url = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    secret = fields.String(metadata={"description": "the signing secret, in the answer to the subscription only"})


class SubscriptionsSchema(Schema):
    items = fields.List(fields.Nested(SubscriptionSchema), required=True)


def present(sub: WebhookSubscription, *, secret: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": sub.id, "organisation_id": sub.organisation_id, "url": sub.url,
                           "event_types": list(sub.event_types or [])}
    if secret:
        out["secret"] = sub.secret
    return out


@bp.route("/webhooks/events", methods=["GET"])
@bp.response(200, EventTypesSchema)
def events() -> Response:
    """The events one can subscribe to."""
    return json_response({"items": [{"name": e.name, "description": str(e.description)}
                                    for e in catalogue.EVENT_TYPES]})


@bp.route("/webhooks", methods=["GET"])
@needs("webhooks:write")
@bp.response(200, SubscriptionsSchema)
@bp.doc(security=WRITE, description="Scope `webhooks:write`: the subscriptions of the token's organisations.")
def index() -> Response:
    token = require("webhooks:write")
    orgs: Any = [token.organisation_id] if token.organisation_id else \
        select(Membership.organisation_id).where(Membership.user_id == token.user_id)
    subs = db.session.scalars(select(WebhookSubscription).where(WebhookSubscription.organisation_id.in_(orgs))
                              .order_by(WebhookSubscription.id)).all()
    return json_response({"items": [present(s) for s in subs]})


@bp.route("/webhooks", methods=["POST"])
@needs("webhooks:write")
@bp.arguments(SubscribeSchema)
@bp.response(201, SubscriptionSchema)
@bp.doc(security=WRITE, description="Scope `webhooks:write`, an owner of the organisation. The answer holds the "
                                    "signing secret of the `Techmarket-Signature` header.")
def subscribe(body: dict[str, Any]) -> Response:
    token = require("webhooks:write")
    org = tokens.organisation_of(db.session, token, body["organisation_id"])
    sub = services.subscribe(db.session, tokens.actor_of(token), org, body["url"], body["event_types"],
                             allow_private=bool(current_app.config.get("WEBHOOKS_ALLOW_PRIVATE")))
    db.session.commit()
    return json_response(present(sub, secret=True), 201)


@bp.route("/webhooks/<int:sub_id>", methods=["DELETE"])
@needs("webhooks:write")
@bp.response(204)
@bp.doc(security=WRITE, description="Scope `webhooks:write`, an owner of the organisation.")
def unsubscribe(sub_id: int) -> Response:
    token = require("webhooks:write")
    sub = db.session.get(WebhookSubscription, sub_id)
    if sub is None or token.organisation_id not in (None, sub.organisation_id):
        raise NotFound(_l("There is no such subscription."))
    services.unsubscribe(db.session, tokens.actor_of(token), sub)
    db.session.commit()
    return Response(status=204)
