"""The counts every fault test reports: printed, kept for the run's summary, written to var/.

Fault tests run on parallel workers, so each count is kept in a file of its own under
var/fault-reports/ and the run's summary (printed by the process that started the run) reads them
all; var/fault-report.json holds them together.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPORT_FILE = Path(__file__).resolve().parents[2] / "var" / "fault-report.json"
REPORT_DIR = REPORT_FILE.parent / "fault-reports"
COLUMNS = (
    "children_sent_in",
    "journeys_finished",
    "events_lost",
    "events_handled_twice",
    "sms_duplicated",
)
RECORDED: list[FaultCounts] = []


@dataclass
class FaultCounts:
    """What one fault did to the platform, in the numbers the work item asks for."""

    fault: str
    children_sent_in: int = 0
    journeys_finished: int = 0
    events_lost: int = 0
    events_handled_twice: int = 0
    sms_duplicated: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """Return the counts as one readable line."""
        counts = ", ".join(f"{name.replace('_', ' ')} {getattr(self, name)}" for name in COLUMNS)
        extra = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.details.items())
        return f"{self.fault}: {counts}" + (f" ({extra})" if extra else "")


def record(counts: FaultCounts) -> FaultCounts:
    """Print the counts now, keep them for the summary and rewrite var/fault-report.json."""
    print(f"\nFAULT COUNTS {counts.line()}")
    RECORDED[:] = [c for c in RECORDED if c.fault != counts.fault] + [counts]
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(counts.fault.encode()).hexdigest()[:16]
    (REPORT_DIR / f"{name}.json").write_text(json.dumps(asdict(counts), ensure_ascii=False))
    REPORT_FILE.write_text(json.dumps(_rows(), ensure_ascii=False, indent=2) + "\n")
    return counts


def _rows() -> list[dict[str, Any]]:
    """Every count this run recorded so far, in the order they were recorded."""
    if not REPORT_DIR.is_dir():
        return []
    files = sorted(REPORT_DIR.glob("*.json"), key=lambda f: f.stat().st_mtime_ns)
    return [json.loads(f.read_text()) for f in files]


def forget() -> None:
    """Start a run with no counts (the counts of an earlier run are not this run's)."""
    for old in REPORT_DIR.glob("*.json") if REPORT_DIR.is_dir() else ():
        old.unlink(missing_ok=True)


def summary_lines() -> list[str]:
    """Return the run's fault counts for the terminal summary, whichever worker recorded them."""
    return [FaultCounts(**row).line() for row in _rows()]
