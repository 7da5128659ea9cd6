"""The parallel run hands out the longest files first and splits schemathesis test by test."""

from __future__ import annotations

import pytest

from conftest import pytest_collection_modifyitems
from tests.scheduling import LongFirstFileScheduling


class Item:
    def __init__(self, nodeid: str, seconds: float | None = None) -> None:
        self.nodeid = nodeid
        self.marker = None if seconds is None else pytest.mark.long(seconds=seconds).mark

    def get_closest_marker(self, name: str):
        return self.marker if name == "long" else None


def test_long_files_go_first_longest_first_each_together_and_the_rest_keep_their_order():
    items = [
        Item("a.py::one"),
        Item("smoke.py::run", seconds=110),
        Item("a.py::two"),
        Item("schemathesis.py::t[quality]", seconds=25),
        Item("kannel.py::run", seconds=27),
        Item("schemathesis.py::t[referral]", seconds=90),
        Item("b.py::one"),
    ]
    pytest_collection_modifyitems(None, items)
    assert [i.nodeid for i in items] == [
        "smoke.py::run",
        "schemathesis.py::t[referral]",
        "schemathesis.py::t[quality]",
        "kannel.py::run",
        "a.py::one",
        "a.py::two",
        "b.py::one",
    ]


def test_a_file_is_one_unit_except_schemathesis_whose_tests_are_one_each():
    scope = LongFirstFileScheduling._split_scope
    assert scope(None, "tests/e2e/test_journeys.py::test_a[1]") == "tests/e2e/test_journeys.py"
    test = "tests/security/test_schemathesis.py::test_schemathesis_finds_nothing[referral]"
    assert scope(None, test) == test


def test_the_browser_journeys_are_one_unit_they_share_one_platform():
    scope = LongFirstFileScheduling._split_scope
    assert scope(None, "tests/browser/test_accounts.py::test_a[phw]") == "tests/browser/"
    assert scope(None, "tests/browser/test_offline.py::test_b") == "tests/browser/"
    assert scope(None, "tests/faults/test_rabbitmq_cluster.py::t") == (
        "tests/faults/test_rabbitmq_cluster.py"
    )


def test_the_fault_tests_on_the_shared_chain_are_one_unit():
    scope = LongFirstFileScheduling._split_scope
    outage = scope(None, "tests/faults/test_database_outage.py::test_a[intake]")
    assert outage == scope(None, "tests/faults/test_poison_messages.py::test_b")
    assert outage != scope(None, "tests/faults/test_postgres_failover.py::test_c")
