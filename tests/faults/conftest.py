"""One running platform for the fault tests (their counts are summed up by the root conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.steps import Users
from tests.e2e.wiring import Chain, chain_running

# Short retry delays, so an event that failed during a database outage is retried within
# seconds; their sum (15.5 s) still outlasts the outages these tests cause.
RETRY_DELAYS = "0.5,1,2,4,8"


@pytest.fixture(scope="session")
def chain(postgres_url, rabbitmq_url, tmp_path_factory) -> Iterator[Chain]:
    """The eight processes on fresh databases, SMS going to a stand-in gateway.

    The databases are copies of the migrated templates: these tests are about faults, and the
    migration processes are run as deployed by the end-to-end tests' platform.
    """
    workdir = tmp_path_factory.mktemp("faults")
    extra = {"RETRY_DELAYS": RETRY_DELAYS}
    with chain_running(postgres_url, rabbitmq_url, workdir, extra, migrate=False) as running:
        yield running


@pytest.fixture(scope="session")
def users(chain: Chain) -> Users:
    return Users(chain)
