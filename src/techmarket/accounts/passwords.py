"""Password rules and hashing (scrypt via Werkzeug)."""

from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
MAX_LENGTH = 128
_COMMON = {
    "password123", "1234567890", "qwertyuiop", "12345678910", "password1234", "iloveyou123",
    "abcdefghij", "0123456789", "1qaz2wsx3edc", "qwerty12345", "woaini1314", "a123456789",
}

DEFAULT_METHOD = "scrypt"  # Werkzeug's scrypt: n=2**15, r=8, p=1
_dummy: dict[str, str] = {}


def _method() -> str:
    """The configured hashing method (TECHMARKET_PASSWORD_HASH_METHOD); the test suite uses cheaper scrypt
    parameters, production the default."""
    return str(current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_METHOD)) if has_app_context() else DEFAULT_METHOD


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password. For an unknown account a dummy hash of the same cost is checked anyway, so a wrong
    email takes as long as a wrong password."""
    method = _method()
    if method not in _dummy:
        _dummy[method] = generate_password_hash("not-a-real-password-0000", method=method)
    return check_password_hash(password_hash or _dummy[method], password) and password_hash is not None


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why ``password`` is too weak, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    low = password.lower()
    if low in _COMMON or len(set(password)) < 4:
        return str(_l("This password is too easy to guess."))
    local = email.split("@", 1)[0].lower()
    if (local and len(local) >= 4 and local in low) or (name and name.lower() == low):
        return str(_l("The password must not contain your email name or your name."))
    kinds = sum([any(c.isalpha() for c in password), any(c.isdigit() for c in password),
                 any(not c.isalnum() for c in password)])
    if kinds < 2:
        return str(_l("Mix letters with digits or symbols."))
    return None
