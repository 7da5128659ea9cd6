"""The real servers a run uses: throwaway databases, broker namespaces, free ports, processes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from shared.testing import DEFAULT_POSTGRES_URL, DEFAULT_RABBITMQ_URL

ROOT = Path(__file__).resolve().parent.parent


def postgres_url() -> str:
    """Return the maintenance database URL of the PostgreSQL server (POSTGRES_URL)."""
    return os.environ.get("POSTGRES_URL") or DEFAULT_POSTGRES_URL


def rabbitmq_url() -> str:
    """Return the RabbitMQ URL (RABBITMQ_URL)."""
    return os.environ.get("RABBITMQ_URL") or DEFAULT_RABBITMQ_URL


def unique_name(prefix: str) -> str:
    """Return a lower-case name no other run uses."""
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@contextlib.contextmanager
def throwaway_database(prefix: str = "bench") -> Iterator[str]:
    """Create a fresh database, yield its URL, drop it afterwards."""
    admin_url = postgres_url()
    name = unique_name(prefix)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def wait_http(url: str, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    """Poll a URL until it answers 200; fail early if the process behind it died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def start_gunicorn(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start an app under the services' own gunicorn settings (deploy/gunicorn.conf.py)."""
    gunicorn = str(Path(os.sys.executable).with_name("gunicorn"))
    argv = [gunicorn, "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", app]
    with log.open("w") as out:
        return subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def stop_process(process: subprocess.Popen, timeout: float = 20.0) -> None:
    """Stop a process group we started: SIGTERM, then SIGKILL after a deadline."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
