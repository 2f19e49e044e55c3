"""Gunicorn settings for techmarket in production.

Run from the project folder (the one holding ``wsgi.py``)::

    gunicorn -c deploy/gunicorn.conf.py                 # binds $TECHMARKET_BIND or 127.0.0.1:8000
    gunicorn -c deploy/gunicorn.conf.py -b 127.0.0.1:8001   # command-line flags win over this file

Two environment variables tune it (both listed in deploy/env.example):

- ``TECHMARKET_WEB_WORKERS``: worker processes (default ``WEB_CONCURRENCY`` if set, else ``2 * CPUs + 1``).
  When N instances run on one machine (the systemd template ``techmarket-web@PORT``), divide: each instance
  gets ``(2 * CPUs + 1) / N``. In production more than one worker needs a shared rate-limit store
  (``TECHMARKET_RATELIMIT_STORAGE_URI=redis://…``): the start is refused with ``memory://``.
- ``TECHMARKET_BIND``: address to listen on (default ``127.0.0.1:8000``; never a public address — nginx
  sits in front).

``FORWARDED_ALLOW_IPS`` (gunicorn's own variable) names the proxies whose ``X-Forwarded-Proto`` gunicorn
believes (default: loopback, i.e. nginx on the same machine). The application additionally applies
Werkzeug's ProxyFix when ``TECHMARKET_BEHIND_PROXY=1``.
"""

from __future__ import annotations

import multiprocessing
import os

from techmarket.config import ConfigError, check_shared_rate_limits


def _int_env(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from exc
    if value < minimum:
        raise SystemExit(f"{name} must be at least {minimum}, not {value}")
    return value


# --- what to run ---------------------------------------------------------------------------------------
wsgi_app = "wsgi:app"
# Load the application once in the master, then fork: the jieba dictionary (create_app loads it outside
# tests: seconds that no visitor's first search waits for), the templates and the translations are loaded a
# single time and shared copy-on-write by every worker.
preload_app = True

# --- where and how many ----------------------------------------------------------------------------------
bind = [os.environ.get("TECHMARKET_BIND", "127.0.0.1:8000")]
workers = _int_env("TECHMARKET_WEB_WORKERS", _int_env("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Synchronous workers: nginx buffers slow clients and request bodies, so a worker is never held by one.
worker_class = "sync"
backlog = 2048

# --- timeouts ----------------------------------------------------------------------------------------------
timeout = 30  # a worker silent this long is killed and replaced (uploads are buffered by nginx)
graceful_timeout = 30  # on SIGTERM / SIGHUP, time given to finish in-flight requests
keepalive = 5  # seconds; below nginx's upstream keepalive_timeout

# --- recycling: bounds slow memory growth; the jitter keeps workers from restarting together ------------
# A worker serves about 1,000 cached home pages a second: 2,000 requests restarted each one every 2 s under
# load. 100,000 (plus up to 10 % jitter per worker) is minutes at full load and days at ordinary traffic.
max_requests = _int_env("TECHMARKET_WEB_MAX_REQUESTS", 100_000, minimum=0)  # 0: never recycle
max_requests_jitter = max_requests // 10

# The heartbeat file lives in memory, not on a disk that may stall (and it works with a read-only root).
if os.path.isdir("/dev/shm"):  # noqa: S108 - gunicorn's documented choice, not a temp file of ours
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# --- behind nginx ------------------------------------------------------------------------------------------
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# --- no control socket (gunicorn >= 25.1 opens one in $HOME by default; older versions ignore this) --------
# Instances are managed through systemd signals; several instances of one user would share the socket path,
# and the service user's home is read-only under the systemd hardening.
control_socket_disable = True

# --- request limits (nginx enforces the upload size: client_max_body_size) ---------------------------------
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# --- logs (to stdout/stderr: journald under systemd, `docker compose logs` under compose) ---------------
# Every line carries its time and level: gunicorn's own, the access log and the application's (the root
# logger configured here is the one create_app then leaves alone), in one format.
accesslog = "-"
errorlog = "-"
loglevel = "info"
LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"techmarket": {"format": LOG_FORMAT, "datefmt": "%Y-%m-%dT%H:%M:%S%z"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "techmarket", "stream": "ext://sys.stderr"},
        "stdout": {"class": "logging.StreamHandler", "formatter": "techmarket", "stream": "ext://sys.stdout"},
    },
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "loggers": {
        "techmarket": {"level": "INFO", "qualname": "techmarket"},
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False, "qualname": "gunicorn.error"},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False,
                            "qualname": "gunicorn.access"},
    },
}
# After each line's time and level: X-Forwarded-For (the client, from nginx), peer, user, request, status,
# bytes, referer, agent, ms, pid
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s %(u)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %(p)s'
)
capture_output = True
proc_name = "techmarket-web"


# --- hooks -------------------------------------------------------------------------------------------------
def on_starting(server):
    """Refuse per-worker rate-limit counters (memory://) in production when several workers run: each would
    allow the whole limit. The count checked is the final one, command-line ``-w`` included."""
    try:
        check_shared_rate_limits(server.app.wsgi().config, server.cfg.workers)
    except ConfigError as exc:
        raise SystemExit(str(exc)) from exc


def post_fork(server, worker):
    """Give each worker its own database connections.

    With ``preload_app`` the engine is created in the master; a pooled connection inherited across
    ``fork()`` must never be shared, so each worker drops the inherited pool (without closing the
    parent's sockets) and opens its own on first use.
    """
    app = server.app.wsgi()
    ext = getattr(app, "extensions", {}).get("sqlalchemy")
    if ext is None:
        return
    with app.app_context():
        for engine in ext.engines.values():
            engine.dispose(close=False)


def when_ready(server):
    server.log.info("techmarket ready: %s worker(s) on %s", server.cfg.workers, ", ".join(server.cfg.bind))
