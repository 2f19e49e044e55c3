"""Public contract pages: the certificate check (no sign-in, rate-limited like the sign-in)."""

from __future__ import annotations

import segno
from flask import current_app, render_template, request, url_for
from markupsafe import Markup

from techmarket.contracts import verification
from techmarket.contracts.models import Contract
from techmarket.extensions import db, limiter


def _check_limit() -> str:
    return str(current_app.config["CERTIFICATE_CHECK_RATE_LIMIT"])


def _asked() -> bool:
    return bool(request.args.get("number") or request.args.get("code"))


@limiter.limit(_check_limit, exempt_when=lambda: not _asked())
def check() -> tuple[str, int]:
    number = (request.args.get("number") or "").strip()[:verification.MAX_NUMBER]
    code = (request.args.get("code") or "").strip()[:32]
    found = verification.check(db.session, number, code) if number or code else None
    status = 404 if (number or code) and found is None else 200
    return render_template("contracts/check.html", number=number, code=code, found=found,
                           asked=bool(number or code)), status


def check_url(contract: Contract) -> str:
    """The address of the check page with the certificate's number and code filled in."""
    return url_for("contracts.check", number=contract.registration_number, code=contract.verification_code,
                   _external=True)


def qr_svg(contract: Contract) -> Markup:
    """The check address as an inline SVG QR code for the printed certificate."""
    qr = segno.make(check_url(contract), error="m")
    return Markup(qr.svg_inline(scale=3, title="QR", dark="#000", light="#fff"))  # noqa: S704  (segno's own SVG)
