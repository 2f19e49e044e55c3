"""The application's log lines carry their time and level.

Under gunicorn, ``deploy/gunicorn.conf.py`` configures the root logger (one format for gunicorn's lines, the
access log and ours) and this leaves it alone; so does a test runner that captures logs. Everywhere else (the
``techmarket`` commands, the RQ worker, ``flask run``) the ``techmarket`` logger gets one handler on stderr.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def configure_logging(level: int = logging.INFO) -> None:
    app_logger = logging.getLogger("techmarket")
    if logging.getLogger().handlers or app_logger.handlers:
        return  # configured by the host process (gunicorn, pytest) or by an earlier create_app
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
    app_logger.addHandler(handler)
    if app_logger.level == logging.NOTSET:
        app_logger.setLevel(level)
