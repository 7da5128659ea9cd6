"""The run's results as JSON and as a short Markdown table of figures against targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.stats import ratio
from bench.targets import get, num, targets


def markdown(results: dict[str, Any]) -> str:
    """Return the short human-readable report."""
    facts = results["machine"]
    lines = [
        f"# Benchmark {facts['date']}",
        "",
        f"Command: `{results['command']}`",
        "",
        "## Machine and versions",
        "",
        f"- {facts['cpus']} CPUs ({facts['cpu_model']}), {facts['memory_gb']} GB, "
        f"{facts['os']}, kernel {facts['kernel']}, Python {facts['python']}",
        f"- PostgreSQL {facts['postgresql'].get('server_version')} "
        f"(synchronous_commit={facts['postgresql'].get('synchronous_commit')}, "
        f"autovacuum={facts['postgresql'].get('autovacuum')}{_stand_in(facts)}), "
        f"RabbitMQ {facts['rabbitmq']}",
        "- " + ", ".join(f"{k} {v}" for k, v in facts["packages"].items()),
        f"- code {facts['git_commit']}; load average before the run "
        f"{facts['load_average_at_start']}",
        "",
        "## Figures against targets",
        "",
        "| figure | target | measured | same-run baseline | met |",
        "|---|---|---|---|---|",
    ]
    for row in targets(results):
        met = {True: "yes", False: "**no**", None: "n/a"}[row["met"]]
        lines.append(
            f"| {row['figure']} | {row['target']} | {row['measured']} | {row['baseline']} | {met} |"
        )
    for name, trace in (results.get("errors") or {}).items():
        lines.append(f"\n**Phase {name} failed:** `{trace.strip().splitlines()[-1]}`")
    lines += _baselines(results.get("baselines") or {}) + _relay(results.get("relay_backlog"))
    lines += _scaling(results.get("scaling") or [])
    lines += _memory(results.get("peak_rss_mb") or {}) + _importer(results.get("importer"))
    lines += _cpu(results.get("chain") or {}, results["machine"]["cpus"])
    lines += _activity((results.get("chain") or {}).get("database_activity") or [])
    lines += _profile((results.get("chain") or {}).get("profile") or {})
    return "\n".join(lines) + "\n"


def _baselines(base: dict[str, Any]) -> list[str]:
    if not base:
        return []
    rows = [
        "",
        "## Same-run baselines",
        "",
        "| test | rate /s | p50 ms | p99 ms |",
        "|---|---|---|---|",
    ]
    for group in ("broker", "postgres", "http"):
        for name, item in (base.get(group) or {}).items():
            latency = item.get("latency") or {}
            rows.append(
                f"| {group}: {name} | {num(item.get('rate_per_s'))} | "
                f"{num(latency.get('p50_ms'), '', 2)} | {num(latency.get('p99_ms'), '', 2)} |"
            )
    return rows


def _scaling(runs: list[dict[str, Any]]) -> list[str]:
    if not runs:
        return []
    rows = [
        "",
        "## Scaling: worker processes per service",
        "",
        "| workers | children | offered /s | children/s | reg->SMS p95 ms | max outbox lag s |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        sms = run["family_latency"]["registration_to_first_family_sms_record"]
        rows.append(
            f"| {run['workers']} | {run['children']} | {run['offered_rate_per_s']} | "
            f"{num(run['children_per_s'], '', 1)} | {num(sms.get('p95_ms'))} | "
            f"{num(run['sampled'].get('max outbox_lag_s (any service)'), '', 2)} |"
        )
    return rows


def _memory(rss: dict[str, float]) -> list[str]:
    if not rss:
        return []
    rows = ["", "## Peak RSS (MB)", "", "| process | MB |", "|---|---|"]
    return rows + [f"| {name} | {mb:.1f} |" for name, mb in sorted(rss.items())]


def _relay(result: dict[str, Any] | None) -> list[str]:
    """Each round of the relay on its backlog, beside the same round's publisher alone."""
    if not result or not result.get("rows"):
        return []
    rows = [
        "",
        "## Outbox relay on a backlog",
        "",
        f"{num(result['events'])} events in each way, batches of {result.get('batch')}, before "
        "the platform started. CPU seconds of the relay's process, RabbitMQ and PostgreSQL "
        "meanwhile.",
        "",
        "| round | way | events/s | share of the round's publisher alone | CPU s: relay, "
        "RabbitMQ, PostgreSQL |",
        "|---|---|---|---|---|",
    ]
    alone: dict[int, int] = {}
    for row in result["rows"]:
        if row["way"] == "publisher alone":
            alone[row["round"]] = row["events_per_s"]
        share = ratio(row["events_per_s"], alone.get(row["round"]))
        rows.append(
            f"| {row['round']} | {row['way']} | {num(row['events_per_s'])} | "
            f"{'' if row['way'] == 'publisher alone' else num(share and share * 100, '%')} | "
            f"{row['cpu_s']:.2f}, {row['rabbitmq_cpu_s']:.2f}, {row['postgres_cpu_s']:.2f} |"
        )
    return rows


def _importer(result: dict[str, Any] | None) -> list[str]:
    if not result:
        return []
    return [
        "",
        "## Bulk importer",
        "",
        f"{result['rows']:,} rows in {result['seconds']} s ({num(result['rows_per_s'])} rows/s), "
        f"exit code {result['exit_code']}, peak RSS {result['peak_rss_mb']} MB; relay then "
        f"published {num(get(result, 'relay.events'))} events at "
        f"{num(get(result, 'relay.events_per_s'))} events/s; every event handled "
        f"{result['drained_after_import_s']} s after the worker started.",
    ]


def _cpu(chain: dict[str, Any], cpus: int) -> list[str]:
    used = chain.get("cpu_seconds") or {}
    if not used:
        return []
    wall = chain.get("seconds") or 0
    rows = [
        "",
        f"## CPU seconds during the chain ({cpus} CPUs x {wall} s of chain)",
        "",
        "| process | CPU s |",
        "|---|---|",
    ]
    return rows + [f"| {group} | {seconds} |" for group, seconds in used.items()]


def _activity(rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return []
    lines = [
        "",
        "## What PostgreSQL was busy with during the chain",
        "",
        "| database | waiting on | statement | mean active backends |",
        "|---|---|---|---|",
    ]
    for row in rows[:10]:
        statement = row["statement"].replace("|", "/")
        lines.append(
            f"| {row['service']} | {row['waiting_on']} | `{statement}` | {row['mean_active']} |"
        )
    return lines


def _profile(profiles: dict[str, Any], top: int = 5) -> list[str]:
    if not profiles:
        return []
    rows = ["", "## Where the time went (py-spy, share of busy samples, mid-chain)", ""]
    for name, profile in profiles.items():
        inclusive = ", ".join(
            f"{fn} {share:.0%}" for fn, share in list(profile["project_inclusive"].items())[:top]
        )
        leaves = ", ".join(f"{fn} {share:.0%}" for fn, share in list(profile["self"].items())[:3])
        rows.append(
            f"- **{name}** ({profile['busy_samples']} samples): {inclusive or 'n/a'}; "
            f"leaf: {leaves or 'n/a'}"
        )
    return rows


def write(results: dict[str, Any], directory: Path, stem: str) -> tuple[Path, Path]:
    """Write <stem>.json and <stem>.md into directory."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / f"{stem}.json", directory / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str))
    md_path.write_text(markdown(results))
    return json_path, md_path


def _stand_in(facts: dict[str, Any]) -> str:
    """Say so when the benchmark analyzed the databases in autovacuum's place."""
    if facts["postgresql"].get("autovacuum") == "off":
        return "; the benchmark ran ANALYZE every 30 s in its place"
    return ""
