"""The running platform for end-to-end tests: eight processes as docker-compose.yml starts them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from shared.testing.platform import Platform, running_platform


@pytest.fixture(scope="session")
def platform(
    postgres_url: str, rabbitmq_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    """Four APIs and four workers on fresh databases and a private broker namespace."""
    with running_platform(postgres_url, rabbitmq_url, tmp_path_factory.mktemp("platform")) as up:
        yield up
