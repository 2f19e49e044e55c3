"""Unbound Flask extension instances; :func:`techmarket.app.create_app` binds them."""

from __future__ import annotations

from typing import cast

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session, scoped_session

from techmarket.core.db import Base


class Database(SQLAlchemy):
    """Flask-SQLAlchemy with its session typed as what it proxies.

    ``db.session`` is a ``scoped_session``: a thread- and context-local proxy whose every attribute is the
    current :class:`~sqlalchemy.orm.Session`'s. Services are typed against ``Session`` (they take one
    explicitly); declaring the proxy as a ``Session`` lets the views pass it without a cast at every call.
    """

    session: Session  # type: ignore[assignment]

    def current(self) -> Session:
        """The Session of this thread or context itself, not the proxy (for what the proxy does not pass on:
        ``in_transaction``, identity checks)."""
        return cast("scoped_session[Session]", self.session)()

    def release(self) -> None:
        """End this thread's or context's session (``scoped_session.remove``): jobs and threads call it when done."""
        cast("scoped_session[Session]", self.session).remove()


db = Database(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
