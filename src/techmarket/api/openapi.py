"""The one ``/api/v1``: flask-smorest on the site's own Flask app.

flask-smorest is a Flask extension whose resources are ordinary :class:`flask.Blueprint` subclasses, so the API
is mounted on the existing application (no application class of its own, unlike APIFlask) and the OpenAPI
document is generated from the marshmallow schemas the handlers declare (apispec writes version 3.1.0).

- ``/api/v1/openapi.json``: the document; ``/api/v1/docs``: Swagger UI, its assets served from the
  ``flask-swagger-ui`` package (nothing vendored into the repository).
- Errors: the site's one error envelope (``web/errors.py``); smorest's own HTTP error handler is not installed,
  and a parameter or body that does not match its schema is a :class:`ValidationFailed` (400) with one entry per
  field in ``error.fields``, the message in the language asked for (``Accept-Language``).
- Reads answer with an ``ETag`` and ``304`` for a matching ``If-None-Match`` (:mod:`techmarket.api.conventions`).

A new resource is a :class:`ApiBlueprint` in its own module, added to :data:`techmarket.api.registry.RESOURCES`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import flask_smorest
from flask import Flask
from flask_babel import lazy_gettext as _l
from webargs.flaskparser import FlaskParser

from techmarket.api.conventions import conditional
from techmarket.api.ratelimit import rate_limit
from techmarket.api.schemas import ErrorEnvelopeSchema
from techmarket.core.errors import ValidationFailed

API_PREFIX = "/api/v1"

#: marshmallow's English messages, translated for the error envelope (others are passed on as they are).
FIELD_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Not a valid integer.": _l("A whole number is needed."),
    "Not a valid string.": _l("Text is needed."),
    "Not a valid boolean.": _l("true or false is needed."),
    "Not a valid date.": _l("A date written YYYY-MM-DD is needed."),
    "Not a valid number.": _l("A number is needed."),
    "Not a valid list.": _l("A list is needed."),
    "Unknown field.": _l("This field is not known."),
    "Invalid input type.": _l("The value has the wrong type."),
}


def _flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "$"] = " ".join(str(FIELD_MESSAGES.get(m, m)) for m in messages)
        else:
            for value in messages:
                out.update(_flatten(value, prefix))
    else:
        out[prefix or "$"] = str(FIELD_MESSAGES.get(str(messages), messages))
    return out


class Parser(FlaskParser):
    """webargs' parser whose failures are the site's :class:`ValidationFailed` (one error envelope)."""

    DEFAULT_VALIDATION_STATUS = 400

    def handle_error(self, error: Any, req: Any, schema: Any, *, error_status_code: int | None,
                     error_headers: Any) -> Any:
        fields: dict[str, str] = {}
        for location_messages in error.normalized_messages().values():
            fields.update(_flatten(location_messages))
        raise ValidationFailed(_l("Some parameters cannot be used; see the fields."),
                               field_errors={name: {"code": "invalid", "message": msg} for name, msg in fields.items()})


class ApiBlueprint(flask_smorest.Blueprint):
    """A resource of ``/api/v1`` (its routes are documented from the schemas they declare). ``title`` is the
    resource's heading in the document and on the docs page ("Listings"); the blueprint's ``name``
    ("api_listings") stays the prefix of its endpoints."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, name: str, import_name: str, *, title: str, description: str = "") -> None:
        super().__init__(name, import_name, url_prefix=API_PREFIX, description=description)
        self.title = title
        self.after_request(conditional)
        rate_limit(self)

    def route(self, rule: str, *, parameters: Any = None, tags: Any = None, **options: Any) -> Any:
        return super().route(rule, parameters=parameters, tags=tags or [self.title], **options)


class Api(flask_smorest.Api):
    """flask-smorest's Api, leaving error answers to the site's one handler, and writing the OpenAPI document
    when it is first read rather than when the application is made: describing every operation took most of
    the app factory's time, which every CLI command, worker start and test pays."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def __init__(self, app: Flask | None = None, **kwargs: Any) -> None:
        self._undocumented: list[tuple[flask_smorest.Blueprint, str, Any]] = []
        self._documenting = threading.Lock()
        self._spec: Any = None
        super().__init__(app, **kwargs)

    @property  # type: ignore[override]
    def spec(self) -> Any:
        if self._undocumented:
            with self._documenting:
                while self._undocumented:
                    blp, name, parameters = self._undocumented.pop(0)
                    blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                    # the resource's title as its tag (the library's is the blueprint's name, which Swagger UI
                    # showed as the headings: "api_listings", "api")
                    self._spec.tag({"name": getattr(blp, "title", name), "description": blp.description})
        return self._spec

    @spec.setter
    def spec(self, value: Any) -> None:
        self._spec = value

    def register_blueprint(self, blp: flask_smorest.Blueprint, *, parameters: Any = None, **options: Any) -> None:
        """As flask-smorest's, with the blueprint's operations described in the document when it is read."""
        name = options.get("name", blp.name)
        assert self._app is not None, "the Api is always made with its application"
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def _register_error_handlers(self) -> None:
        """The site's ``web/errors.py`` answers every error in the one envelope."""


def configure(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "techmarket API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "The technology market of Inner Mongolia, for other systems. Read endpoints are "
                                "open; writes need a token (`Authorization: Bearer tm_…`) with the scope named "
                                "on the operation. Errors: `{\"error\": {status, code, message, fields}}`."},
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
    })
