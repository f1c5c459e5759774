"""gunicorn's settings for production (`make serve`, or `gunicorn -c gunicorn.conf.py wsgi:app`).

Each can be changed by an environment variable: GUNICORN_BIND, WEB_CONCURRENCY (the number of
workers), GUNICORN_TIMEOUT. The access log is the app's own (one JSON line per request, see
consortium/accesslog.py), so gunicorn writes only its error log, to standard error.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "wsgi:app"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Synchronous workers, two per core and one more: a request waiting on the database or
# rendering a PDF holds one worker while the others serve.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A worker silent this long (a PDF of a whole year is the slowest page) is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 60)
# On a restart or a stop, a worker finishes the request in hand within this time.
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (with some spread), so that none grows forever.
max_requests = 2000
max_requests_jitter = 200
# Each worker builds its own app and its own database connections (nothing shared by forking).
preload_app = False

# Which proxy to believe about HTTPS and the client's address is the app's setting (PROXY_COUNT,
# with werkzeug's ProxyFix); gunicorn itself trusts no forwarded header.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "consortium"
# No control socket: its default path is one per user, which two servers on one machine (two
# groups of workers, a trial beside a test) would fight over; stop and reload with signals.
control_socket_disable = True
