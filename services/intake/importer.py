"""python -m services.intake.importer FILE.csv: import a district register of children.

The file is UTF-8 CSV with a header row. Required columns: given_name, family_name, sex
(female/male, f/m, ж/м), date_of_birth (2023-04-12 or 12.04.2023), district_code, guardian_name,
guardian_phone. Optional: patronymic, jamoat, village, address_notes, guardian_relationship,
guardian_language (tg/ru), sms_consent, data_sharing_consent (yes/no, ҳа/не, да/нет; no when
empty), consent_given_by, concerns (separated by ; or ,), urgent, urgent_reason,
screening_source, note.

Every row goes through the same rules as POST /children. Bad rows are reported with their line
number and reason; likely duplicates are reported, not created; a row imported before (same
content) is skipped, so running the same file again creates nothing. Events go to the outbox and
are published by the intake worker.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TextIO

from services.intake.bootstrap import operator_runtime
from services.intake.flows import audit, idempotency
from services.intake.flows.candidates import CandidatePool, as_registered, facts_of
from services.intake.flows.import_rows import (
    ParsedRow,
    flatten_messages,
    missing_columns,
    parse_row,
    unknown_columns,
)
from services.intake.flows.registration import (
    LikelyDuplicates,
    OutsideDistricts,
    Refused,
    register_child,
)
from shared.principal import ROLES, Principal
from shared.runtime import Runtime, UnitOfWork

IMPORT_OWNER = "import"


@dataclass
class ImportReport:
    """What happened to each row."""

    counts: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def note(self, outcome: str, line: int | None = None, reason: str = "") -> None:
        """Count a row's outcome and keep its reason for the report."""
        self.counts[outcome] += 1
        if line is not None and reason:
            self.problems.append(f"line {line}: {outcome}: {reason}")

    def summary(self) -> str:
        """Return a one-line summary of the counts."""
        order = ("imported", "invalid", "duplicate", "already imported")
        return ", ".join(f"{name} {self.counts.get(name, 0)}" for name in order)


class BadFile(Exception):
    """The file cannot be imported at all (missing columns, not UTF-8 CSV)."""


def read_rows(stream: TextIO) -> Iterator[tuple[int, dict[str, str | None]]]:
    """Yield (line number, row) pairs; the header is line 1."""
    reader = csv.DictReader(stream)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing, unknown = missing_columns(header), unknown_columns(header)
    if missing or unknown:
        raise BadFile(
            "; ".join(
                part
                for part in (
                    missing and f"missing columns: {', '.join(missing)}",
                    unknown and f"unknown columns: {', '.join(unknown)}",
                )
                if part
            )
        )
    for row in reader:
        if None in row:
            row.pop(None)
        yield reader.line_num, row


def import_rows(
    runtime: Runtime,
    rows: Iterable[tuple[int, dict[str, str | None]]],
    actor: Principal,
    batch_size: int = 200,
    progress: TextIO | None = None,
    total: int | None = None,
) -> ImportReport:
    """Register every good row, in batches of one transaction each; report the rest.

    Rows are taken a batch at a time, so a register of any length is held in memory one batch
    at a time; total (the row count, when known) only feeds the progress line.
    """
    report = ImportReport()
    if total is None and isinstance(rows, Sized):
        total = len(rows)
    meter = _Progress(total, progress)
    done = 0
    source = iter(rows)
    while batch := list(islice(source, batch_size)):
        parsed = [parse_row(line, row) for line, row in batch]
        with runtime.unit_of_work() as uow:
            _Batch(uow, actor, report, parsed).run()
        done += len(batch)
        meter.update(done, report)
    meter.finish(report)
    return report


class _Batch:
    """One transaction's rows: imported keys and duplicate candidates fetched once for all."""

    def __init__(
        self, uow: UnitOfWork, actor: Principal, report: ImportReport, rows: list[ParsedRow]
    ) -> None:
        self.uow, self.actor, self.report, self.rows = uow, actor, report, rows
        self.done = idempotency.known_keys(uow.session, IMPORT_OWNER, [r.key for r in rows])
        good = [facts_of(r.registration) for r in rows if r.registration is not None]
        self.pool = CandidatePool.load(uow.session, good)

    def run(self) -> None:
        for row in self.rows:
            self.import_one(row)

    def import_one(self, parsed: ParsedRow) -> None:
        report = self.report
        if parsed.key in self.done:
            report.note("already imported")
            return
        if parsed.registration is None:
            report.note("invalid", parsed.line, "; ".join(parsed.problems))
            return
        try:
            child = register_child(
                self.uow, parsed.registration, self.actor, audit.IMPORT, self.pool.candidates
            )
        except Refused as exc:
            report.note("invalid", parsed.line, "; ".join(flatten_messages(exc.fields)))
        except OutsideDistricts as exc:
            report.note(
                "invalid", parsed.line, f"district_code: {exc.district} is not among your districts"
            )
        except LikelyDuplicates as exc:
            report.note("duplicate", parsed.line, self.duplicates(exc))
        else:
            self.pool.add(as_registered(child))
            self.done.add(parsed.key)
            idempotency.remember(
                self.uow.session, IMPORT_OWNER, parsed.key, {"id": child.id}, child.id, self.uow.now
            )
            report.note("imported")

    def duplicates(self, exc: LikelyDuplicates) -> str:
        """Name the candidates in the actor's districts, count the others; audit the probe."""
        actor, now = self.actor, self.uow.now
        mine = [c.child.id for c in exc.candidates if actor.covers_district(c.child.district_code)]
        for candidate in exc.candidates:
            scope = {"in_your_districts": candidate.child.id in mine}
            audit.record(
                self.uow.session, actor, audit.DUPLICATE_PROBE, candidate.child.id, now, scope
            )
        text = f"likely already registered as {', '.join(mine)}" if mine else ""
        elsewhere = len(exc.candidates) - len(mine)
        if elsewhere:
            text += (
                f"{'; ' if text else ''}{elsewhere} likely match(es) in other districts: "
                "ask their district case manager"
            )
        return text


class _Progress:
    """Prints how far a long import has got, at most every two seconds."""

    def __init__(self, total: int | None, stream: TextIO | None) -> None:
        self.total, self.stream = total, stream
        self.started = self.last = time.monotonic()

    def update(self, done: int, report: ImportReport) -> None:
        now = time.monotonic()
        finished = self.total is not None and done >= self.total
        if self.stream is None or (now - self.last < 2.0 and not finished):
            return
        self.last = now
        rate = done / max(now - self.started, 1e-6)
        if self.total is None:
            line = f"{done} rows, {rate:.0f} rows/s — {report.summary()}\n"
        else:
            left = (self.total - done) / rate if rate else 0
            line = (
                f"{done}/{self.total} rows ({100 * done // max(self.total, 1)}%), "
                f"{rate:.0f} rows/s, about {left:.0f} s left — {report.summary()}\n"
            )
        self.stream.write(line)
        self.stream.flush()

    def finish(self, report: ImportReport) -> None:
        if self.stream is not None:
            elapsed = time.monotonic() - self.started
            self.stream.write(f"done in {elapsed:.1f} s: {report.summary()}\n")


def main(argv: list[str] | None = None) -> int:
    """Import a CSV file; exit 1 when some rows were invalid, 2 when the file is unusable."""
    parser = argparse.ArgumentParser(prog="python -m services.intake.importer", description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--registered-by", default="register-import", help="user id recorded")
    parser.add_argument("--role", default="admin", choices=ROLES, help="role recorded")
    parser.add_argument("--districts", default="", help="comma-separated; limits where to import")
    parser.add_argument("--batch-size", type=int, default=200)
    args = parser.parse_args(argv)
    districts = tuple(d.strip() for d in args.districts.split(",") if d.strip())
    if districts and args.role == "admin":
        parser.error("--districts limits a worker's role: add --role case_manager (or phw …)")
    actor = Principal(sub=args.registered_by, role=args.role, districts=districts)
    # A first pass reads the whole file without keeping it: a file that is not UTF-8 CSV, or
    # lacks a column, is refused before any row is written, and the count feeds the progress.
    try:
        with args.file.open(encoding="utf-8-sig", newline="") as stream:
            total = sum(1 for _ in read_rows(stream))
    except (BadFile, UnicodeDecodeError, csv.Error, OSError) as exc:
        print(f"cannot import {args.file}: {exc}", file=sys.stderr)
        return 2
    runtime = operator_runtime()
    with args.file.open(encoding="utf-8-sig", newline="") as stream:
        report = import_rows(
            runtime, read_rows(stream), actor, args.batch_size, progress=sys.stderr, total=total
        )
    for line in report.problems:
        print(line)
    print(report.summary())
    return 1 if report.counts["invalid"] else 0


if __name__ == "__main__":
    sys.exit(main())
