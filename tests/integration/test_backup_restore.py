"""The operator's guide's backup and restore, run: pg_dump a service's database, pg_restore it
into a fresh database, and find every row and every child again through the API."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, inspect, text

from services.intake import app, bootstrap, handlers
from services.intake.tests.integration.helpers import auth, register, registration
from shared.testing.harness import ServiceHarness
from tests.faults.under_load import require

pytestmark = pytest.mark.integration


def libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore read it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def rows(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            tables = inspect(connection).get_table_names()
            read = {t: connection.execute(text(f'SELECT * FROM "{t}"')) for t in tables}
            return {t: sorted(map(tuple, result), key=repr) for t, result in read.items()}
    finally:
        engine.dispose()


def run(*argv: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_service_database_dumped_and_restored_into_a_fresh_one_keeps_every_row(
    service_harness, make_database, tmp_path
):
    require(bool(shutil.which("pg_dump") and shutil.which("pg_restore")),
            "pg_dump and pg_restore are not installed")  # fmt: skip
    intake = service_harness("intake")
    children = [
        register(intake, registration(guardian={"phone": f"93 123 45{n:02d}"},
                                      child={"given_name": name})).get_json()["id"]
        for n, name in enumerate(("Фарзона", "Ҷамшед", "Зуҳро"))
    ]  # fmt: skip
    original = intake.config["DATABASE_URL"]
    dump = tmp_path / "intake.dump"
    run("pg_dump", "--format=custom", f"--file={dump}", libpq(original))
    restored = make_database("restored")
    run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={libpq(restored)}", str(dump))

    before = rows(original)
    assert {"outbox", "alembic_version"} <= set(before) and before == rows(restored)
    config = {**intake.config, "DATABASE_URL": restored}
    again = ServiceHarness("intake", bootstrap.runtime_from, app.create_app, handlers.HANDLERS,
                           handlers.TIMERS, config)  # fmt: skip
    try:
        for child in children:
            path, headers = f"/children/{child}", auth(intake)
            read = again.client.get(path, headers=headers)
            assert read.status_code == 200
            assert read.get_json() == intake.client.get(path, headers=headers).get_json()
        # Step 4 of the guide: events since the backup are marked unsent for the relay.
        since = datetime.now(UTC) - timedelta(hours=1)
        with again.runtime.db.session() as session:
            marked = session.execute(
                text("UPDATE outbox SET published_at = NULL WHERE created_at >= :since"),
                {"since": since},
            ).rowcount
        assert marked == len(before["outbox"]) >= len(children)
    finally:
        again.close()
