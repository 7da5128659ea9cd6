"""Gunicorn settings shared by every service's API: tune with environment variables."""

import os

# PORT is the one thing that differs between services (8001-8004).
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Time a worker gets on SIGTERM to finish requests in flight before it is killed.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = 5
# The app writes one JSON line per request itself; gunicorn's access log would duplicate it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Recycle workers now and then so a slow leak never takes an API down. Rarely: a new worker
# imports and builds its app again (1.1-1.6 s of CPU on a slow machine), and at 5,000 requests
# the chain's APIs did so 34 times in 25,000 children.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# Each worker builds its own app (and database pool) after the fork.
preload_app = False
# Heartbeat files on tmpfs: an overlay or read-only root filesystem would stall or refuse them.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


def post_fork(server, worker):
    """Each worker writes JSON log lines under its process's name (intake-api, …, portal).

    The process entry point sets up logging, never the app factory: creating an app (in a test,
    say) leaves the process's logging as it was.
    """
    from shared.logging import configure_logging

    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    configure_logging(api_process_name(server.app.app_uri), level)


def api_process_name(app_uri):
    """`services.intake.app:create_app()` → intake-api; the portal's is plain `portal`."""
    service = app_uri.split(":")[0].split(".")[1]
    return service if service == "portal" else f"{service}-api"
