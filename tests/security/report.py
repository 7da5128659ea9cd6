"""Totals of the schemathesis runs, for the end-of-session summary and the CI log."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Totals:
    """What one service's run did."""

    service: str
    operations: int = 0
    cases: int = 0
    checks: int = 0
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    phases: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"{self.service:<14} operations {self.operations:>3}  cases {self.cases:>5}  "
            f"checks {self.checks:>6}  failures {len(self.failures):>3}  "
            f"errors {len(self.errors):>2}  {self.seconds:5.1f} s  "
            + " ".join(f"{phase} {n}" for phase, n in sorted(self.phases.items()))
        ).rstrip()


TOTALS: list[Totals] = []


def lines() -> list[str]:
    """One line per service and a total."""
    out = [t.line() for t in TOTALS]
    if len(TOTALS) > 1:
        whole = Totals(
            "all",
            operations=sum(t.operations for t in TOTALS),
            cases=sum(t.cases for t in TOTALS),
            checks=sum(t.checks for t in TOTALS),
            failures=[f for t in TOTALS for f in t.failures],
            errors=[e for t in TOTALS for e in t.errors],
            seconds=sum(t.seconds for t in TOTALS),
        )
        out.append(whole.line())
    return out
