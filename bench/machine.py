"""Facts about the machine and software a run measured, so figures can be compared fairly."""

from __future__ import annotations

import os
import platform as host
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import psutil
from sqlalchemy import create_engine, text

from bench.servers import ROOT, postgres_url, rabbitmq_url
from shared.messaging.connection import connect

PACKAGES = (
    "amqp",
    "kombu",
    "Flask",
    "flask-smorest",
    "gunicorn",
    "marshmallow",
    "SQLAlchemy",
    "psycopg",
    "Werkzeug",
    "alembic",
)
PG_SETTINGS = (
    "server_version",
    "synchronous_commit",
    "fsync",
    "shared_buffers",
    "max_connections",
    "autovacuum",
)


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo."""
    for line in _lines("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return host.processor() or "unknown"


def os_name() -> str:
    """Return the distribution's pretty name."""
    for line in _lines("/etc/os-release"):
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return host.platform()


def _lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as file:
            return file.readlines()
    except OSError:
        return []


def postgres_facts() -> dict[str, str]:
    """Return the PostgreSQL version and the settings that decide commit speed."""
    engine = create_engine(postgres_url())
    try:
        with engine.connect() as connection:
            return {
                name: connection.execute(text(f"SHOW {name}")).scalar_one() for name in PG_SETTINGS
            }
    finally:
        engine.dispose()


def rabbitmq_version() -> str:
    """Return the broker's version as it announces itself."""
    connection = connect(rabbitmq_url())
    try:
        connection.connect()
        properties = connection.connection.server_properties
        return str(properties.get("version", "unknown"))
    finally:
        connection.release()


def git_commit() -> str:
    """Return the commit the code was at (with '+changes' when the tree differs)."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    return commit + ("+changes" if git("status", "--porcelain").strip() else "")


def machine_facts() -> dict[str, Any]:
    """Return date, hardware, OS, versions and how busy the machine was before the run."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "kernel": host.release(),
        "os": os_name(),
        "python": host.python_version(),
        "postgresql": postgres_facts(),
        "rabbitmq": rabbitmq_version(),
        "packages": versions,
        "git_commit": git_commit(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
