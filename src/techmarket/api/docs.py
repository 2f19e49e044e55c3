"""``/api/v1/docs``: Swagger UI over ``/api/v1/openapi.json``.

The viewer's files come from the ``flask-swagger-ui`` package (Swagger UI 5, which reads OpenAPI 3.1); they are
served from the installed package, never copied into the repository. The page's only script of our own is
``init.js`` (the site's CSP allows no inline script); Swagger UI sets inline styles, so this page alone allows
them.
"""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Response, render_template, send_from_directory, url_for

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")
DIST = Path(flask_swagger_ui.__file__).parent / "dist"
ASSETS = frozenset({"swagger-ui.css", "index.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
                    "favicon-32x32.png", "favicon-16x16.png"})
#: The site's policy (web/security.py) with inline styles allowed, for this page only.
DOCS_CSP = "; ".join(["default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
                      "img-src 'self' data:", "font-src 'self' data:", "connect-src 'self'", "object-src 'none'",
                      "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"])


@bp.get("/")
def index() -> Response:
    resp = Response(render_template("api/docs.html"), mimetype="text/html")
    resp.headers["Content-Security-Policy"] = DOCS_CSP
    return resp


@bp.get("/init.js")
def init_js() -> Response:
    script = ("window.onload = function () {\n"
              f"  window.ui = SwaggerUIBundle({{url: {url_for('api-docs.openapi_json')!r}, dom_id: '#swagger-ui',\n"
              "    deepLinking: true, presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],\n"
              "    layout: 'StandaloneLayout'});\n};\n")
    return Response(script, mimetype="text/javascript")


@bp.get("/assets/<name>")
def asset(name: str) -> Response:
    if name not in ASSETS:
        return Response("", status=404)
    resp = send_from_directory(DIST, name, max_age=86400)
    return resp
