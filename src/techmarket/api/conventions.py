"""Conventions of every ``/api/v1`` answer: ETags on reads and opaque cursors for lists."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from flask import Response, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select
from sqlalchemy.orm import Session

from techmarket.core.errors import ValidationFailed

T = TypeVar("T")


def conditional(response: Response) -> Response:
    """``after_request`` of the API blueprints: a successful JSON read gets a strong ETag, and a request whose
    ``If-None-Match`` holds it is answered ``304 Not Modified`` with no body."""
    if request.method in {"GET", "HEAD"} and response.status_code == 200 and response.is_json \
            and not response.is_streamed:
        response.add_etag()
        response.make_conditional(request)
    response.vary.add("Accept-Language")
    response.vary.add("Authorization")
    return response


def json_response(data: Any, status: int = 200) -> Response:
    """The answer as JSON, serialised once by the standard library (the schema documents the shape and the
    contract test checks it; dumping through marshmallow again would double the cost of a list)."""
    return Response(json.dumps(data, ensure_ascii=False, separators=(",", ":")), status=status,
                    mimetype="application/json")


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    """The id a cursor continues after, or None for the first page; a cursor not made here is a 400."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        last = int(value)
        if kind != "id" or not 0 < last < 2**63:
            raise ValueError(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(_l("The cursor is not one this API gave."),
                               field_errors={"cursor": {"code": "invalid",
                                                        "message": str(_l("Use next_cursor of the previous page."))}}
                               ) from exc
    return last


def cursor_page(session: Session, stmt: Select[Any], id_column: Any, cursor: str | None,
                limit: int) -> tuple[Sequence[Any], str | None]:
    """Rows newest first (by ``id_column`` descending) after the cursor, and the next cursor (None at the end)."""
    last = decode_cursor(cursor)
    if last is not None:
        stmt = stmt.where(id_column < last)
    rows = session.scalars(stmt.order_by(id_column.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1].id) if more and rows else None)
