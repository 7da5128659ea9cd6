"""The bulk importer on a generated district register, and how long the platform takes to
carry the imported children's events to the end."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import create_engine, text

from bench import platform as bp
from bench.servers import ROOT
from bench.tajik_data import registration

FIRST_INDEX = 8_000_000
UNSENT = text("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
PUBLISHED_SINCE = text(
    "SELECT COUNT(*), MIN(published_at), MAX(published_at) FROM outbox WHERE published_at >= :since"
)
COLUMNS = (
    "given_name",
    "family_name",
    "patronymic",
    "sex",
    "date_of_birth",
    "district_code",
    "jamoat",
    "village",
    "guardian_name",
    "guardian_relationship",
    "guardian_phone",
    "guardian_language",
    "sms_consent",
    "data_sharing_consent",
    "consent_given_by",
    "concerns",
    "urgent",
    "urgent_reason",
    "screening_source",
    "note",
)


def row(index: int, today: date, seed: int) -> dict[str, str]:
    """Return one register row in the importer's columns."""
    body = registration(FIRST_INDEX + index, today, seed)
    child, guardian, screening = body["child"], body["guardian"], body["screening"]
    return {
        **{
            k: child[k] or ""
            for k in (
                "given_name",
                "family_name",
                "patronymic",
                "sex",
                "date_of_birth",
                "district_code",
                "jamoat",
                "village",
            )
        },
        "guardian_name": guardian["name"],
        "guardian_relationship": guardian["relationship"],
        "guardian_phone": guardian["phone"],
        "guardian_language": guardian["language"],
        "sms_consent": "ҳа",
        "data_sharing_consent": "ҳа",
        "consent_given_by": body["consent"]["given_by"],
        "concerns": ";".join(screening["concerns"]),
        "urgent": "ҳа" if screening["urgent"] else "не",
        "urgent_reason": screening.get("urgent_reason", ""),
        "screening_source": "phw",
        "note": "",
    }


def write_register(path: Path, rows: int, seed: int = 1) -> Path:
    """Write a UTF-8 CSV register of generated children."""
    today = date.today()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
        for index in range(rows):
            writer.writerow(row(index, today, seed))
    return path


def run_importer(platform: Any, path: Path, log: Path) -> dict[str, Any]:
    """Run `python -m services.intake.importer FILE` against intake's database; time it."""
    env = platform.processes["intake-worker"].env
    argv = [sys.executable, "-m", "services.intake.importer", str(path)]
    started = time.monotonic()
    peak = 0.0
    with log.open("w") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                peak = max(peak, watched.memory_info().rss / 2**20)
            except psutil.NoSuchProcess:
                break
            time.sleep(0.2)
    seconds = time.monotonic() - started
    return {
        "exit_code": process.returncode,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak, 1),
        "output_tail": log.read_text()[-600:],
    }


def relay_rate(database_url: str, since: datetime, timeout: float = 600.0) -> dict[str, Any]:
    """Wait until intake's outbox is empty; return how fast the relay published the backlog."""
    engine = create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        with engine.connect() as connection:
            while connection.execute(UNSENT).scalar_one() and time.monotonic() < deadline:
                connection.rollback()
                time.sleep(0.2)
            count, first, last = connection.execute(PUBLISHED_SINCE, {"since": since}).one()
    finally:
        engine.dispose()
    span = (last - first).total_seconds() if count else 0.0
    return {
        "events": count,
        "seconds": round(span, 2),
        "events_per_s": round(count / span, 1) if span > 0 else None,
        "worker_start_to_last_published_s": round((last - since).total_seconds(), 2)
        if count
        else None,
    }


def importer_bench(platform: Any, rows: int, workdir: Path, seed: int = 1) -> dict[str, Any]:
    """Import a register with intake's worker stopped, then time the relay on the backlog.

    With the worker stopped the import's events wait in the outbox, so the import time is the
    importer's own and the relay then shows its top speed on a large backlog of real events.
    """
    path = write_register(workdir / f"register-{rows}.csv", rows, seed)
    platform.stop("intake-worker")
    try:
        result = run_importer(platform, path, workdir / "importer.log")
    finally:
        since = datetime.now(UTC)
        platform.start("intake-worker")
    result["rows"] = rows
    result["rows_per_s"] = round(rows / result["seconds"], 1) if result["seconds"] else None
    result["relay"] = relay_rate(platform.database_urls["intake"], since)
    result["drained_after_import_s"] = round(
        (datetime.now(UTC) - since).total_seconds() + bp.wait_drained(platform, 1800), 1
    )
    return result
