"""Counting what reached the families and what each service recorded, through the APIs."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.e2e.steps import Family, Users

NAMES = ("Зарина", "Farzona", "Мадина", "Sitora", "Нилуфар", "Malika", "Гулноза")


def every_page(fetch: Callable[[int], dict]) -> list[dict]:
    """Return the items of every page of a list endpoint."""
    items, page = [], 1
    while True:
        answer = fetch(page)
        items += answer["items"]
        if page * answer["page_size"] >= answer["total"]:
            return items
        page += 1


def assessments_per_child(users: Users, district: str) -> Counter[str]:
    """Count the assessments each child of a district has (one each, if nothing ran twice)."""

    def fetch(page: int) -> dict:
        params = {"page": page, "page_size": 100}
        return users.call("assessment", "GET", "/assessments", "case_manager",
                          districts=[district], params=params)  # fmt: skip

    return Counter(item["child_id"] for item in every_page(fetch))


def sms_records(users: Users, district: str) -> list[dict]:
    """Return every SMS record notifications keeps for a district."""

    def fetch(page: int) -> dict:
        params = {"page": page, "page_size": 100}
        return users.call("notifications", "GET", "/notifications", "case_manager",
                          districts=[district], params=params)  # fmt: skip

    return every_page(fetch)


def records_made_twice(records: Iterable[dict]) -> int:
    """Count SMS records beyond the first for one child, event type and recipient."""
    made = Counter((r["child_id"], r["event_type"], r["recipient"]) for r in records)
    return sum(n - 1 for n in made.values() if n > 1)


def gateway_counts(users: Users, phones: Iterable[str]) -> Counter[tuple[str, str]]:
    """Count the SMS the gateway accepted per (phone, text) for the given phones."""
    wanted = set(phones)
    accepted = list(users.chain.gateway.accepted.values())
    return Counter((a.to, a.text) for a in accepted if a.to in wanted)


def sms_duplicated(users: Users, phones: Iterable[str]) -> int:
    """Count SMS a phone received more than once with the same text."""
    return sum(n - 1 for n in gateway_counts(users, phones).values() if n > 1)


def sms_missing(users: Users, expected: dict[str, int]) -> int:
    """Count SMS not (yet) received: per phone, the expected number minus distinct texts."""
    counts = gateway_counts(users, expected)
    distinct = Counter(phone for phone, _ in counts)
    return sum(max(n - distinct[phone], 0) for phone, n in expected.items())


def redeliveries_skipped(users: Users) -> int:
    """Count events delivered again and recognised as already handled, from the worker logs."""
    platform = users.platform
    names = [name for name in platform.processes if name.endswith("-worker")]
    return sum(platform.log_text(name).count("duplicate event skipped") for name in names)


def register_many(
    users: Users, numbers: Iterable[int], district: str, threads: int = 6
) -> tuple[list[Family], list[str]]:
    """Register children concurrently; return the accepted ones and why others were refused."""

    def one(n: int) -> Family | str:
        try:
            return users.register(n, district, NAMES[n % len(NAMES)])
        except AssertionError as refused:
            return str(refused).splitlines()[-1][:300]

    with ThreadPoolExecutor(threads) as pool:
        results: list[Any] = list(pool.map(one, numbers))
    return [r for r in results if isinstance(r, Family)], [r for r in results if isinstance(r, str)]


def settled(predicate: Callable[[], Any], timeout: float, interval: float = 0.5) -> bool:
    """Poll until predicate() is true; return False at the deadline instead of failing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def dead_letters(platform: Any, service: str) -> list[dict]:
    """List a service's dead letters with the operators' command."""
    listed = subprocess.run(
        [sys.executable, "-m", "shared.deadletters", "list", service],
        env=platform.service_env(service),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [json.loads(line) for line in listed.stdout.splitlines() if line.startswith("{")]
