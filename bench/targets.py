"""Each target of the work item, with the figure measured and the same run's baseline."""

from __future__ import annotations

from typing import Any

from bench.stats import ratio


def get(data: dict[str, Any], path: str) -> Any:
    """Return data[a][b][c] for the path 'a.b.c', or None when any part is missing."""
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def num(value: Any, unit: str = "", digits: int = 0) -> str:
    """Return a number with thousands separators and a unit, or n/a."""
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
    return num(None if value is None else value * 100, "%")


def _intake_rows(g: Any) -> list[dict[str, Any]]:
    alone, alone_p99 = g("intake_api.rate_per_s"), g("intake_api.latency.p99_ms")
    rate = g("intake_api.with_workers.rate_per_s")
    p99 = g("intake_api.with_workers.latency.p99_ms")
    base = "baselines.http.validate_insert_outbox_post"
    outbox, outbox_p99 = g(f"{base}.rate_per_s"), g(f"{base}.latency.p99_ms")
    bare = g("baselines.http.bare_json_get.rate_per_s")
    share = ratio(rate, outbox)
    p99_share = ratio(p99, outbox_p99)
    paused = f"; workers paused: {num(alone)} req/s, p99 {num(alone_p99, ' ms', 1)}"
    return [
        _row(
            "Registration API rate, 16 connections, workers consuming",
            ">= 70% of insert+outbox",
            f"{num(rate)} req/s = {_pct(share)} ({_pct(ratio(rate, bare))} of bare){paused}",
            f"insert+outbox {num(outbox)} req/s; bare {num(bare)} req/s",
            None if share is None else share >= 0.7,
        ),
        _row(
            "Registration API p99, 16 connections, workers consuming",
            "<= 1.5 x insert+outbox p99",
            f"{num(p99, ' ms', 1)} = {num(p99_share, ' x', 2)}",
            f"insert+outbox p99 {num(outbox_p99, ' ms', 1)}",
            None if p99_share is None else p99_share <= 1.5,
        ),
    ]


def _relay_row(g: Any) -> dict[str, Any]:
    backlog = g("relay_backlog") or {}
    drained = g("intake_api.relay") or g("importer.relay") or {}
    relay = backlog.get("relay_per_s") or drained.get("events_per_s")
    classic = g("baselines.broker.publish_confirm_batch_100.rate_per_s")
    quorum = g("baselines.broker.publish_confirm_batch_100_quorum.rate_per_s")
    alone = g("baselines.broker.relay_publisher_alone") or {}
    share = ratio(relay, classic)
    measured = f"{num(relay)} events/s = {_pct(share)}"
    baseline = f"raw kombu, batches of 100: {num(classic)} classic, {num(quorum)} quorum msg/s"
    if backlog.get("relay_per_s"):
        low, high = backlog.get("share_of_alone_range") or (None, None)
        measured += (
            f" (a backlog of {num(backlog['events'])} events, {backlog['rounds']} rounds, "
            f"analyzed and not); {_pct(backlog['share_of_alone'])} of its publisher alone in "
            f"the same rounds ({_pct(low)}-{_pct(high)})"
        )
        baseline += (
            f"; the relay's publisher alone in the same rounds, batches of "
            f"{backlog.get('batch')}: {num(backlog['publisher_alone_per_s'])} events/s"
        )
        if drained:
            # n/a when that backlog was gone before the first look at it
            measured += (
                f"; intake's relay on the load's backlog of {num(drained.get('backlog'))}: "
                f"{num(drained.get('events_per_s'))} events/s"
            )
    elif alone.get("events_per_s"):
        # Raw kombu sends to one queue; the relay's events go to every queue that takes them.
        measured += f"; {_pct(ratio(relay, alone['events_per_s']))} of its publisher alone"
        baseline += (
            f"; the relay's publisher alone, the same routing ({alone['queues']} "
            f"{alone['queue_type']} queues), batches of {alone['batch']}: "
            f"{num(alone['events_per_s'])} events/s"
        )
    return _row(
        "Outbox relay on a backlog, publisher confirms",
        ">= 90% of raw kombu batches",
        measured,
        baseline,
        None if share is None else share >= 0.9,
    )


def _cpu_row(g: Any) -> dict[str, Any]:
    cost = g("chain.cpu_per_child") or {}
    split = sorted((cost.get("split_ms") or {}).items(), key=lambda kv: -kv[1])[:4]
    return _row(
        "CPU per child, whole chain, every platform process (services, PostgreSQL, RabbitMQ)",
        "<= 50 ms",
        f"{num(cost.get('platform_ms'), ' ms', 1)} ("
        + ", ".join(f"{k} {v}" for k, v in split)
        + ")",
        f"driver {num(cost.get('driver_ms'), ' ms', 1)}, "
        f"other processes {num(cost.get('other_ms'), ' ms', 1)} (not counted)",
        None if cost.get("platform_ms") is None else cost["platform_ms"] <= 50,
    )


def _sms_row(g: Any) -> dict[str, Any]:
    source = "family_sms" if g("family_sms.family_latency") else "chain"
    sms = g(f"{source}.family_latency.registration_to_first_family_sms_record") or {}
    one_by_one = g("baselines.broker.publish_confirm_each.rate_per_s")
    what = "registrations alone" if source == "family_sms" else "whole chain"
    return _row(
        f"Registration -> family SMS record, {g(f'{source}.offered_rate_per_s')}/s ({what})",
        "p95 < 250 ms",
        ", ".join(f"{p} {num(sms.get(f'{p}_ms'), ' ms')}" for p in ("p50", "p95", "p99")),
        f"one confirmed publish: {num(one_by_one and 1000 / one_by_one, ' ms', 2)}",
        None if sms.get("p95_ms") is None else sms["p95_ms"] < 250,
    )


def _chain_rows(g: Any) -> list[dict[str, Any]]:
    rate, lag = g("chain.children_per_s"), g("chain.sampled.max outbox_lag_s (any service)")
    minutes = rate and 25000 / rate / 60
    bound = 10 * (g("chain.offered_rate_per_s") or 0)
    sampled = g("chain.sampled") or {}
    depths = sampled.get("last queue depths") or {}
    peak = max(
        (v for k, v in sampled.items() if k.startswith("max queue.") and v is not None),
        default=None,
    )
    return [
        _row(
            f"Whole chain, {num(g('chain.children'))} children",
            ">= 30 children/s (25,000 in < 14 min), every child to the end",
            f"{num(rate, '', 1)} children/s; {num(g('chain.completed'))} of "
            f"{num(g('chain.children'))} to the end; 25,000 in {num(minutes, ' min', 1)}",
            f"offered {num(g('chain.offered_rate_per_s'))}/s",
            None if rate is None else rate >= 30 and g("chain.completed") == g("chain.children"),
        ),
        _row(
            "Outbox lag (max, any service)",
            "<= 5 s",
            num(lag, " s", 2),
            "",
            None if lag is None else lag <= 5,
        ),
        _row(
            "Queue depth, peak while the chain ran",
            "bounded: <= 10 s of arrivals, empty at the end",
            f"peak {num(peak)} ready; at the end "
            + (
                ", ".join(f"{k.removeprefix('queue.')} {v}" for k, v in depths.items() if v)
                or "all empty"
            ),
            f"10 s of arrivals = {num(bound)} registrations",
            None if peak is None or not depths else peak <= bound and not any(depths.values()),
        ),
    ]


def _memory_row(g: Any) -> dict[str, Any]:
    peaks = dict(g("peak_rss_mb") or {})
    if g("importer.peak_rss_mb") is not None:
        peaks["importer (one-shot)"] = g("importer.peak_rss_mb")
    name, mb = max(peaks.items(), key=lambda kv: kv[1], default=(None, None))
    services = max((v for k, v in peaks.items() if not k.startswith("importer")), default=None)
    return _row(
        "Peak RSS per process",
        "< 150 MB",
        f"{num(mb, ' MB', 1)} ({name}); long-running max {num(services, ' MB', 1)}",
        "",
        None if mb is None else mb < 150,
    )


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Return each target with its measured figure and its same-run baseline."""

    def g(path: str) -> Any:
        return get(results, path)

    return [
        _cpu_row(g),
        *_intake_rows(g),
        _relay_row(g),
        _sms_row(g),
        *_chain_rows(g),
        _memory_row(g),
    ]
