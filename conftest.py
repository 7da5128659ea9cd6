"""Fixtures for every test in the repository (real servers, databases, namespaces, harnesses)."""

from tests.faults.report import REPORT_FILE, forget, summary_lines

pytest_plugins = ["shared.testing.fixtures"]


def pytest_sessionstart(session) -> None:
    """A run starts with no fault counts (parallel workers leave that to the run starting them)."""
    if not hasattr(session.config, "workerinput"):
        forget()


def pytest_terminal_summary(terminalreporter) -> None:
    """Show every fault test's counts at the end of the run, whatever the -r options, whichever
    parallel worker ran it."""
    lines = summary_lines()
    if lines:
        terminalreporter.section("fault counts")
        for line in lines:
            terminalreporter.write_line(line)
        terminalreporter.write_line(f"(also in {REPORT_FILE})")


# How long the longest modules keep one parallel worker busy, in seconds (a rough figure from
# `--durations`): they are handed out first, so the run does not end with one worker still in a
# two-minute test while the others have nothing left to do.
def pytest_collection_modifyitems(config, items) -> None:
    """Put files with tests marked `long` first, the longest first, each file's tests together
    (its fixtures start once), its longest first; the rest keep their order."""

    def seconds(item) -> float:
        marker = item.get_closest_marker("long")
        return float(marker.kwargs.get("seconds", 60)) if marker else 0.0

    def path(item) -> str:
        return item.nodeid.split("::", 1)[0]

    longest: dict[str, float] = {}
    for item in items:
        longest[path(item)] = max(longest.get(path(item), 0.0), seconds(item))
    items.sort(key=lambda item: (-longest[path(item)], -seconds(item)))


def pytest_xdist_make_scheduler(config, log):
    """With --dist loadfile, hand out files in the order above (not by how many tests they have),
    and each test of a module marked to split on its own (`SPLIT_BY_TEST`)."""
    if config.getoption("dist") != "loadfile":
        return None
    from tests.scheduling import LongFirstFileScheduling

    return LongFirstFileScheduling(config, log)
