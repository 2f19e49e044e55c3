"""Account rules: registration, confirmation, authentication, passwords, roles, deactivation.

Services take an explicit actor where a person acts on someone else's account, flush and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from techmarket.accounts import logins, throttle
from techmarket.accounts.models import User, UserRole
from techmarket.accounts.passwords import hash_password, password_problem, verify_password
from techmarket.core import audit
from techmarket.core.actor import Actor
from techmarket.core.clock import utcnow
from techmarket.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from techmarket.core.i18n import LANGUAGES
from techmarket.core.roles import BUREAU_ROLES, SELF_SERVICE_ROLES, Role

NAME_MAX = 100


def normalise_email(raw: str) -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(_l("Invalid email address."),
                               field_errors={"email": _l("Enter a valid email address.")}) from exc


def actor_for(user: User) -> Actor:
    """The actor of a user: their roles and, for a science-bureau user, the division they work for (read only
    for those roles, so nobody else pays a query for it)."""
    roles = user.roles
    area = user.area if roles & BUREAU_ROLES else None
    return Actor(user_id=user.id, label=f"{user.name} <{user.email}>", roles=roles,
                 division_code=area.division_code if area is not None else None)


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def _snapshot(user: User) -> dict:
    return {"email": user.email, "name": user.name, "language": user.language, "active": user.active,
            "roles": sorted(r.value for r in user.roles), "confirmed": user.is_confirmed}


@dataclass(frozen=True)
class SignUp:
    """What a registration did: ``created`` False means the address already had an account (``user``), and
    nothing changed. The page answers both the same way; only the mail sent differs."""

    user: User
    created: bool


def sign_up(session: Session, *, email: str, password: str, name: str, language: str, role: Role) -> SignUp:
    """Register, without telling whether the address is taken: every field is checked first, the password is
    hashed either way (the same work), then an existing account is returned untouched."""
    errors: dict[str, object] = {}
    try:
        email = normalise_email(email)
    except ValidationFailed as exc:  # report it with every other problem, not before them
        errors.update(exc.field_errors)
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = _l("Enter your name (at most %(n)d characters).", n=NAME_MAX)
    if language not in LANGUAGES:
        errors["language"] = _l("Choose a language from the list.")
    if role not in SELF_SERVICE_ROLES:
        errors["role"] = _l("Choose a role from the list.")
    problem = password_problem(password, email, name)
    if problem:
        errors["password"] = problem
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    password_hash = hash_password(password)
    existing = find_by_email(session, email)
    if existing is not None:
        return SignUp(existing, created=False)
    user = User(email=email, name=name, language=language, password_hash=password_hash)
    user.role_rows.append(UserRole(role=role.value))
    session.add(user)
    session.flush()
    audit.record(session, actor_for(user), "user", user.id, "register", None, _snapshot(user))
    return SignUp(user, created=True)


def register(session: Session, *, email: str, password: str, name: str, language: str,
             role: Role) -> User:
    """For commands, demo data and tests: a new account, or a refusal naming the taken address."""
    result = sign_up(session, email=email, password=password, name=name, language=language, role=role)
    if not result.created:
        msg = _l("An account with this email already exists.")
        raise ValidationFailed(msg, field_errors={"email": msg})
    return result.user


def confirm_email(session: Session, user_id: int, email: str) -> User:
    user = session.get(User, user_id)
    if user is None or user.email != email:
        raise NotFound(_l("This confirmation link is not valid any more."))
    if user.email_confirmed_at is None:
        before = _snapshot(user)
        user.email_confirmed_at = utcnow()
        session.flush()
        audit.record(session, actor_for(user), "user", user.id, "confirm_email", before, _snapshot(user))
    return user


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: ``user`` when the email and password were right; ``retry_after`` seconds
    when the address is locked after too many failures (then the password was not checked, or this
    failure locked it)."""

    user: User | None
    retry_after: int = 0
    checked: bool = True


def authenticate(session: Session, email: str, password: str,
                 policy: throttle.Policy | None = None) -> SignIn:
    """Check an email and password, counting failures per address in the database (known or unknown
    addresses alike, so the answer tells nothing about which exist)."""
    policy = policy or throttle.Policy()
    wait = throttle.retry_after(session, email)
    if wait:
        return SignIn(None, retry_after=wait, checked=False)
    user = find_by_email(session, email) if email else None
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        return SignIn(None, retry_after=throttle.record_failure(session, email, policy))
    throttle.clear(session, email)
    user.last_login_at = utcnow()
    session.flush()
    return SignIn(user)


def set_password(session: Session, user: User, new_password: str, *, action: str) -> None:
    problem = password_problem(new_password, user.email, user.name)
    if problem:
        raise ValidationFailed(problem, field_errors={"password": problem})
    user.password_hash = hash_password(new_password)
    logins.end_all(session, user)  # every session and remember-me cookie stops working
    audit.record(session, actor_for(user), "user", user.id, action, None, {"password": "changed"})


def change_password(session: Session, user: User, current: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current):
        msg = _l("The current password is not right.")
        raise ValidationFailed(msg, field_errors={"current_password": msg})
    set_password(session, user, new_password, action="change_password")


def reset_fingerprint(user: User) -> str:
    """Part of the reset token: once the password changes, older reset links stop working."""
    return user.password_hash[-12:]


def reset_password(session: Session, user_id: int, fingerprint: str, new_password: str) -> User:
    user = session.get(User, user_id)
    if user is None or reset_fingerprint(user) != fingerprint or not user.active:
        raise NotFound(_l("This password reset link is not valid any more. Ask for a new one."))
    set_password(session, user, new_password, action="reset_password")
    throttle.clear(session, user.email)  # the owner proved the address: a lock an attacker caused ends
    if user.email_confirmed_at is None:  # the link proved the address
        user.email_confirmed_at = utcnow()
    return user


def update_profile(session: Session, user: User, *, name: str, language: str) -> None:
    errors: dict[str, object] = {}
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = _l("Enter your name (at most %(n)d characters).", n=NAME_MAX)
    if language not in LANGUAGES:
        errors["language"] = _l("Choose a language from the list.")
    if errors:
        raise ValidationFailed(_l("Please correct the marked fields."), field_errors=errors)
    before = _snapshot(user)
    user.name, user.language = name, language
    session.flush()
    audit.record(session, actor_for(user), "user", user.id, "update_profile", before, _snapshot(user))


def _require_user_admin(actor: Actor) -> None:
    if not actor.has(Role.OPERATOR):
        raise PermissionDenied(_l("Only the market operator manages users."))


def set_roles(session: Session, actor: Actor, user: User, roles: Iterable[Role]) -> None:
    _require_user_admin(actor)
    wanted = set(roles)
    changed = wanted.symmetric_difference(user.roles)
    if {Role.ADMIN, Role.OPERATOR} & changed and Role.ADMIN not in actor.roles:
        raise PermissionDenied(_l("Only an administrator grants or removes the operator and admin roles."))
    if user.id == actor.user_id and Role.ADMIN in user.roles and Role.ADMIN not in wanted:
        raise Conflict(_l("You cannot remove your own administrator role."))
    before = _snapshot(user)
    user.role_rows[:] = [r for r in user.role_rows if Role(r.role) in wanted]
    for role in sorted(wanted - user.roles):
        user.role_rows.append(UserRole(role=role.value))
    session.flush()
    audit.record(session, actor, "user", user.id, "set_roles", before, _snapshot(user))


def set_active(session: Session, actor: Actor, user: User, active: bool) -> None:
    _require_user_admin(actor)
    if user.id == actor.user_id:
        raise Conflict(_l("You cannot deactivate your own account."))
    if Role.ADMIN in user.roles and Role.ADMIN not in actor.roles:
        raise PermissionDenied(_l("Only an administrator deactivates an administrator."))
    if user.active == active:
        return
    before = _snapshot(user)
    user.active = active
    logins.end_all(session, user)
    audit.record(session, actor, "user", user.id, "activate" if active else "deactivate", before,
                 _snapshot(user))


def create_admin(session: Session, email: str, password: str, name: str = "Administrator") -> User:
    """For ``techmarket accounts create-admin``: a confirmed admin (or promote an existing user)."""
    email = normalise_email(email)
    user = find_by_email(session, email)
    system = Actor.system("cli")
    if user is None:
        problem = password_problem(password, email, name)
        if problem:
            raise ValidationFailed(problem, field_errors={"password": problem})
        user = User(email=email, name=name, language="zh_Hans_CN", password_hash=hash_password(password),
                    email_confirmed_at=utcnow())
        session.add(user)
        session.flush()
        audit.record(session, system, "user", user.id, "create_admin", None, _snapshot(user))
    set_roles(session, system, user, user.roles | {Role.ADMIN, Role.OPERATOR})
    return user
