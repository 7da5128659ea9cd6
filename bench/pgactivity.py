"""What PostgreSQL is busy with: pg_stat_activity sampled many times a second, so the
statements (or COMMITs) the platform's databases spend their time on stand out."""

from __future__ import annotations

import re
import threading
from collections import Counter
from typing import Any

import psycopg

from bench.servers import postgres_url

# The column list hides what matters: which table, which WHERE.
SELECT_LIST = re.compile(r"^SELECT .+? FROM ", re.IGNORECASE)
ACTIVE = (
    "SELECT datname, wait_event_type || ':' || wait_event, query FROM pg_stat_activity "
    "WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = ANY(%s)"
)


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


class ActivitySampler:
    """Counts active statements per database in a thread until stopped."""

    def __init__(self, database_urls: dict[str, str], interval: float = 0.05) -> None:
        self.services = {url.rsplit("/", 1)[1]: s for s, url in database_urls.items()}
        self.interval = interval
        self.counts: Counter = Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-activity", daemon=True)

    def __enter__(self) -> ActivitySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with psycopg.connect(_libpq_url(postgres_url()), autocommit=True) as connection:
            names = list(self.services)
            while not self._stop.wait(self.interval):
                for database, waiting, query in connection.execute(ACTIVE, (names,)):
                    statement = SELECT_LIST.sub("SELECT … FROM ", re.sub(r"\s+", " ", query or ""))
                    statement = statement.strip()[:160]
                    self.counts[(self.services[database], waiting or "CPU", statement)] += 1
                self.samples += 1

    def summary(self, top: int = 15) -> list[dict[str, Any]]:
        """Return the busiest statements: mean active backends running each."""
        return (
            [
                {
                    "service": service,
                    "waiting_on": waiting,
                    "statement": statement,
                    "mean_active": round(count / self.samples, 3),
                }
                for (service, waiting, statement), count in self.counts.most_common(top)
            ]
            if self.samples
            else []
        )


class StandInAutovacuum:
    """ANALYZE the platform's databases every `every` seconds when the server's autovacuum is
    off, as a deployed PostgreSQL's autovacuum would.

    A machine can run PostgreSQL without autovacuum (this project's CI does). Its tables are
    then never analyzed, and a plan cached while a table was small stays in use as the table
    grows: in a 25,000-child run the notifications worker's look-up of handled events by
    primary key ran as a sequential scan for the whole chain (up to 150 ms a batch). ANALYZE
    lets PostgreSQL plan again, as it does in a deployment with autovacuum on.
    """

    def __init__(self, database_urls: dict[str, str], every: float = 30.0) -> None:
        self.databases = [url.rsplit("/", 1)[1] for url in database_urls.values()]
        self.every = every
        self.active = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-analyze", daemon=True)

    def __enter__(self) -> StandInAutovacuum:
        with psycopg.connect(_libpq_url(postgres_url()), autocommit=True) as connection:
            (setting,) = connection.execute("SHOW autovacuum").fetchone()
        self.active = setting != "on"
        if self.active:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.active:
            self._thread.join()

    def _run(self) -> None:
        base = _libpq_url(postgres_url()).rsplit("/", 1)[0]
        while not self._stop.wait(self.every):
            for database in self.databases:
                try:
                    with psycopg.connect(f"{base}/{database}", autocommit=True) as connection:
                        connection.execute("ANALYZE")
                except psycopg.Error:
                    continue  # dropped at teardown, or not created yet: next time
