"""One service's PostgreSQL database goes away under load: 503s, recovery, nothing lost.

The database is made to refuse new connections and its open ones are terminated
(`ALTER DATABASE … ALLOW_CONNECTIONS false` + `pg_terminate_backend`), which is what the
service sees when its server restarts; restarting the real cluster would also cut off the
other test runs sharing this machine's PostgreSQL.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.e2e.steps import Users, registration_body
from tests.faults.counting import (
    dead_letters,
    records_made_twice,
    settled,
    sms_duplicated,
    sms_missing,
    sms_records,
)
from tests.faults.report import FaultCounts, record

pytestmark = [pytest.mark.faults, pytest.mark.e2e]

OUTAGE_SECONDS = 6.0
RECOVERY_LIMIT = 20.0
CASES = {"intake": ("konibodom", 30_000), "notifications": ("buston", 31_000)}


@contextlib.contextmanager
def database_gone(postgres_url: str, name: str) -> Iterator[None]:
    """Refuse connections to one database and drop its open ones; allow them again after."""
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
        yield
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()


class Probe:
    """Calls an endpoint again and again in a thread, keeping (time, status, body) of each."""

    def __init__(self, call: Callable[[], requests.Response]) -> None:
        self.call = call
        self.answers: list[tuple[float, int, str]] = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Probe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join(30)

    def _run(self) -> None:
        while not self.done.is_set():
            try:
                answer = self.call()
                self.answers.append((time.monotonic(), answer.status_code, answer.text[:300]))
            except requests.RequestException as exc:
                self.answers.append((time.monotonic(), 0, repr(exc)[:300]))
            self.done.wait(0.05)  # pace the load; this is not a wait for a result

    def between(self, start: float, end: float) -> list[tuple[float, int, str]]:
        """Return the answers received in a time window."""
        return [a for a in self.answers if start <= a[0] < end]


def registrations(users: Users, district: str, first: int, phones: dict[str, str]) -> Probe:
    """Register children one after another, noting the phone of each one accepted."""
    numbers = itertools.count(first)
    headers = users.platform.headers("phw", [district])

    def register() -> requests.Response:
        body = registration_body(next(numbers), district, "Сабрина")
        answer = requests.post(users.platform.url("intake", "/children"), json=body,
                               headers=headers, timeout=20)  # fmt: skip
        if answer.status_code == 201:
            phones[answer.json()["id"]] = answer.json()["guardian"]["phone"]
        return answer

    return Probe(register)


def reads(users: Users, service: str, district: str) -> Probe:
    """Read the service's main list as a case manager would, again and again."""
    path = {"intake": "/children", "notifications": "/notifications"}[service]
    headers = users.platform.headers("case_manager", [district])
    url = users.platform.url(service, path)
    return Probe(lambda: requests.get(url, params={"page_size": 5}, headers=headers, timeout=20))


@pytest.mark.parametrize("service", sorted(CASES))
def test_a_service_without_its_database_answers_503_recovers_and_loses_nothing(
    chain, users, postgres_url, service
):
    district, first = CASES[service]
    database = chain.platform.database_urls[service].rsplit("/", 1)[1]
    accepted: dict[str, str] = {}
    dead_before = len(dead_letters(chain.platform, "notifications"))
    with (
        registrations(users, district, first, accepted) as load,
        reads(users, service, district) as probe,
    ):
        users.wait(lambda: len(accepted) >= 5, "registrations flowing before the outage")
        with database_gone(postgres_url, database):
            down = time.monotonic()
            users.wait(lambda: _outage_seen(probe, down), "the outage seen for a while")
        up = time.monotonic()
        back = users.wait(lambda: _first_success(probe, up), "the API answering again")
        users.wait(lambda: len(load.between(back + 1, 1e12)) >= 5, "registrations after it")

    during = probe.between(down + 0.5, up) + (
        load.between(down + 0.5, up) if service == "intake" else []
    )
    statuses = sorted({status for _, status, _ in during})
    dead_after = len(dead_letters(chain.platform, "notifications"))
    timing = {"statuses while down": statuses, "seconds to recover": round(back - up, 1),
              "new dead letters": dead_after - dead_before}  # fmt: skip
    counts = _report(users, service, district, load, accepted, timing)
    assert 503 in statuses and 500 not in statuses, during[:5]
    body = next(b for _, s, b in during if s == 503)
    assert '"error"' in body and '"code"' in body, body
    assert back - up <= RECOVERY_LIMIT
    assert (counts.events_lost, counts.events_handled_twice, counts.sms_duplicated) == (0, 0, 0)
    assert counts.journeys_finished == len(accepted)


def _report(
    users: Users, service: str, district: str, load: Probe, accepted: dict, timing: dict
) -> FaultCounts:
    """Count, once the SMS have settled, what the accepted registrations became."""
    expected = dict.fromkeys(accepted.values(), 1)
    settled(lambda: sms_missing(users, expected) == 0, timeout=60)
    refused = sum(1 for answer in load.answers if answer[1] == 503)
    return record(
        FaultCounts(
            f"{service} database unavailable for {OUTAGE_SECONDS:.0f} s under load",
            children_sent_in=len(load.answers),
            journeys_finished=len(expected) - sms_missing(users, expected),
            events_lost=sms_missing(users, expected),
            events_handled_twice=records_made_twice(sms_records(users, district)),
            sms_duplicated=sms_duplicated(users, expected),
            details={
                "registrations accepted": len(accepted),
                "registrations refused with 503": refused,
                **timing,
            },
        )  # fmt: skip
    )


def _outage_seen(probe: Probe, down: float) -> bool:
    refused = [a for a in probe.between(down, 1e12) if a[1] == 503]
    return len(refused) >= 3 and time.monotonic() - down >= OUTAGE_SECONDS


def _first_success(probe: Probe, since: float) -> float | None:
    return next((t for t, status, _ in probe.between(since, 1e12) if 200 <= status < 300), None)
