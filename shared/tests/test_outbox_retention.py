"""Published outbox rows are pruned after OUTBOX_RETENTION_DAYS; unsent ones never are."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from shared.runtime import Runtime
from shared.tests import backbone_app as app
from shared.worker import OUTBOX_RETENTION, Worker, prune_outbox

NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)


def producer(tmp_path, days: str) -> Runtime:
    runtime = app.producer_runtime(f"sqlite:///{tmp_path / 'p.db'}", "memory://", "t")
    runtime.settings = replace(runtime.settings, outbox_retention_days=float(days))
    runtime.clock = lambda: NOW
    for child_id, published in (("old", 31), ("recent", 2), ("unsent", None)):
        app.change_state(runtime, child_id)
        if published is not None:
            with runtime.db.session() as session:
                session.execute(
                    update(runtime.tables.outbox)
                    .where(runtime.tables.outbox.c.correlation_id == child_id)
                    .values(published_at=NOW - timedelta(days=published))
                )
    return runtime


def left(runtime: Runtime) -> list[str]:
    t = runtime.tables.outbox
    with runtime.db.session() as session:
        return list(session.execute(select(t.c.correlation_id).order_by(t.c.seq)).scalars())


@pytest.mark.parametrize(("days", "kept"), [("30", ["recent", "unsent"]),
                                            ("0", ["old", "recent", "unsent"])])  # fmt: skip
def test_published_rows_older_than_the_retention_are_pruned(tmp_path, days, kept):
    runtime = producer(tmp_path, days)

    prune_outbox(runtime)

    assert left(runtime) == kept
    runtime.db.dispose()


def test_every_worker_runs_the_retention_timer(tmp_path):
    runtime = producer(tmp_path, "30")
    assert OUTBOX_RETENTION in Worker(runtime, {}, []).timers
    runtime.db.dispose()


def test_the_retention_is_read_from_the_environment():
    from shared.config import load_settings

    assert load_settings("intake", {"OUTBOX_RETENTION_DAYS": "7"}).outbox_retention_days == 7.0
    assert load_settings("intake", {}).outbox_retention_days == 30.0
