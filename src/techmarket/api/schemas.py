"""Schemas shared by every resource: the error envelope and the cursor page."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class FieldErrorSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)


class ErrorSchema(Schema):
    status = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "machine-readable: not_found, forbidden, …"})
    message = fields.String(required=True, metadata={"description": "in the language of Accept-Language"})
    fields_ = fields.Dict(keys=fields.String(), values=fields.Dict(keys=fields.String(), values=fields.String()),
                          data_key="fields", attribute="fields",
                          metadata={"description": "per input path: {code, message, …}"})


class ErrorEnvelopeSchema(Schema):
    error = fields.Nested(ErrorSchema, required=True)


class CursorArgs(Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=64),
                           metadata={"description": "next_cursor of the previous page"})
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 100))


class CursorPageSchema(Schema):
    next_cursor = fields.String(allow_none=True, required=True,
                                metadata={"description": "pass as cursor for the next page; null on the last"})
