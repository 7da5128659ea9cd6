"""The counts every fault test reports: printed, kept for the run's summary, written to var/."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPORT_FILE = Path(__file__).resolve().parents[2] / "var" / "fault-report.json"
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
    REPORT_FILE.parent.mkdir(parents=True, exist_ok=True)
    rows = [asdict(c) for c in RECORDED]
    REPORT_FILE.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    return counts


def summary_lines() -> list[str]:
    """Return the run's fault counts for the terminal summary."""
    return [c.line() for c in RECORDED]
