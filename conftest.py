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
