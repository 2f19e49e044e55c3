"""Domain errors. Services raise them; one error handler turns each into a clear message.

Messages are lazy translatable strings (or plain strings already translated), so the handler can
show them in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """A rule was broken; ``message`` is shown to the user; ``status`` is the HTTP status."""

    status = 400
    #: The machine-readable ``error.code`` of the JSON error answer.
    code = "bad_request"

    def __init__(self, message: Any, *, field_errors: Mapping[str, Any] | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field_errors = dict(field_errors or {})


class ValidationFailed(DomainError):
    status = 400
    code = "validation_failed"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The object changed under the user (a concurrent decision) or a uniqueness rule was hit."""

    status = 409
    code = "conflict"
