"""The run's results as JSON and as a short Markdown table of figures against targets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.stats import ratio


def _get(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _num(value: Any, unit: str = "", digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{unit}"


def _row(figure: str, target: str, measured: str, baseline: str, met: bool | None) -> dict:
    return {
        "figure": figure,
        "target": target,
        "measured": measured,
        "baseline": baseline,
        "met": met,
    }


def _pct(value: float | None) -> str:
    return _num(None if value is None else value * 100, "%")


def _intake_rows(g: Any) -> list[dict[str, Any]]:
    rate, p99 = g("intake_api.rate_per_s"), g("intake_api.latency.p99_ms")
    base = "baselines.http.validate_insert_outbox_post"
    outbox, bare = g(f"{base}.rate_per_s"), g("baselines.http.bare_json_get.rate_per_s")
    share = ratio(rate, outbox)
    return [
        _row(
            "Registration API rate, 16 connections",
            ">= 50% of insert+outbox",
            f"{_num(rate)} req/s = {_pct(share)} ({_pct(ratio(rate, bare))} of bare)",
            f"insert+outbox {_num(outbox)} req/s; bare {_num(bare)} req/s",
            None if share is None else share >= 0.5,
        ),
        _row(
            "Registration API p99, 16 connections",
            "< 50 ms",
            _num(p99, " ms", 1),
            f"insert+outbox p99 {_num(g(f'{base}.latency.p99_ms'), ' ms', 1)}",
            None if p99 is None else p99 < 50,
        ),
    ]


def _relay_row(g: Any) -> dict[str, Any]:
    relay = g("importer.relay.events_per_s")
    classic = g("baselines.broker.publish_confirm_batch_100.rate_per_s")
    quorum = g("baselines.broker.publish_confirm_batch_100_quorum.rate_per_s")
    return _row(
        "Outbox relay, publisher confirms",
        ">= 5,000 events/s",
        f"{_num(relay)} events/s",
        f"raw kombu, batches of 100: {_num(classic)} classic, {_num(quorum)} quorum msg/s",
        None if relay is None else relay >= 5000,
    )


def _sms_row(g: Any) -> dict[str, Any]:
    sms = g("chain.family_latency.registration_to_first_family_sms_record") or {}
    one_by_one = g("baselines.broker.publish_confirm_each.rate_per_s")
    return _row(
        f"Registration -> family SMS record, {g('chain.offered_rate_per_s')}/s",
        "p95 < 250 ms",
        ", ".join(f"{p} {_num(sms.get(f'{p}_ms'), ' ms')}" for p in ("p50", "p95", "p99")),
        f"one confirmed publish: {_num(one_by_one and 1000 / one_by_one, ' ms', 2)}",
        None if sms.get("p95_ms") is None else sms["p95_ms"] < 250,
    )


def _chain_rows(g: Any) -> list[dict[str, Any]]:
    rate, lag = g("chain.children_per_s"), g("chain.sampled.max outbox_lag_s (any service)")
    minutes = rate and 25000 / rate / 60
    sampled = g("chain.sampled") or {}
    depths = sampled.get("last queue depths") or {}
    peak = max(
        (v for k, v in sampled.items() if k.startswith("max queue.") and v is not None),
        default=None,
    )
    return [
        _row(
            f"Whole chain, {_num(g('chain.children'))} children",
            ">= 30 children/s (25,000 in < 14 min)",
            f"{_num(rate, '', 1)} children/s; 25,000 in {_num(minutes, ' min', 1)}",
            f"offered {_num(g('chain.offered_rate_per_s'))}/s",
            None if rate is None else rate >= 30,
        ),
        _row(
            "Outbox lag (max, any service)",
            "<= 5 s",
            _num(lag, " s", 2),
            "",
            None if lag is None else lag <= 5,
        ),
        _row(
            "Queue depths at the end of the chain",
            "no unbounded growth",
            ", ".join(f"{k.removeprefix('queue.')} {v}" for k, v in depths.items()) or "n/a",
            f"max during the run {_num(peak)}",
            None if not depths else not any(depths.values()),
        ),
    ]


def _memory_row(g: Any) -> dict[str, Any]:
    name, mb = max((g("peak_rss_mb") or {}).items(), key=lambda kv: kv[1], default=(None, None))
    return _row(
        "Peak RSS per process",
        "< 150 MB",
        f"{_num(mb, ' MB', 1)} ({name})",
        "",
        None if mb is None else mb < 150,
    )


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Return each target with its measured figure and its same-run baseline."""

    def g(path: str) -> Any:
        return _get(results, path)

    return [*_intake_rows(g), _relay_row(g), _sms_row(g), *_chain_rows(g), _memory_row(g)]


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
        f"(synchronous_commit={facts['postgresql'].get('synchronous_commit')}), "
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
    lines += _baselines(results.get("baselines") or {}) + _scaling(results.get("scaling") or [])
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
                f"| {group}: {name} | {_num(item.get('rate_per_s'))} | "
                f"{_num(latency.get('p50_ms'), '', 2)} | {_num(latency.get('p99_ms'), '', 2)} |"
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
            f"{_num(run['children_per_s'], '', 1)} | {_num(sms.get('p95_ms'))} | "
            f"{_num(run['sampled'].get('max outbox_lag_s (any service)'), '', 2)} |"
        )
    return rows


def _memory(rss: dict[str, float]) -> list[str]:
    if not rss:
        return []
    rows = ["", "## Peak RSS (MB)", "", "| process | MB |", "|---|---|"]
    return rows + [f"| {name} | {mb:.1f} |" for name, mb in sorted(rss.items())]


def _importer(result: dict[str, Any] | None) -> list[str]:
    if not result:
        return []
    return [
        "",
        "## Bulk importer",
        "",
        f"{result['rows']:,} rows in {result['seconds']} s ({_num(result['rows_per_s'])} rows/s), "
        f"exit code {result['exit_code']}, peak RSS {result['peak_rss_mb']} MB; relay then "
        f"published {_num(_get(result, 'relay.events'))} events at "
        f"{_num(_get(result, 'relay.events_per_s'))} events/s; every event handled "
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
