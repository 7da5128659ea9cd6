"""How parallel runs hand out tests: by file, longest first, some test by test, some by folder.

pytest-xdist's `--dist loadfile` keeps a file's tests on one worker (their module fixtures, whole
platforms among them, start once) but orders files by how many tests they have, so the files
holding a few long tests (schemathesis, the benchmark's smoke run, the expiring referral's
journey) were handed out last and the run ended with two workers idle.
"""

from __future__ import annotations

from xdist.scheduler import LoadFileScheduling

# Modules whose tests are each long and independent enough to run on different workers (each
# worker that gets one sets the module's fixtures up once more).
SPLIT_BY_TEST = frozenset({"tests/security/test_schemathesis.py"})
# Files that share one session platform run together on one worker (the value names the unit;
# the key is a folder or a file): the browser journeys, whose platform with the portal takes as
# long to start as a few of their tests, and the fault tests on the shared chain of
# tests/faults/conftest.py, which would otherwise start one chain per worker.
SHARED_CHAIN = "tests/faults/ (the shared chain)"
TOGETHER = {
    "tests/browser/": "tests/browser/",
    "tests/faults/test_database_outage.py": SHARED_CHAIN,
    "tests/faults/test_poison_messages.py": SHARED_CHAIN,
}


class LongFirstFileScheduling(LoadFileScheduling):
    """Files in collection order (the root conftest puts tests marked `long` first)."""

    def __init__(self, config, log=None) -> None:
        super().__init__(config, log)
        # Keep the order the collection hook chose instead of "most tests first".
        config.option.loadscopereorder = False

    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        if path in SPLIT_BY_TEST:
            return nodeid
        return next((unit for start, unit in TOGETHER.items() if path.startswith(start)), path)
