"""A PNG of the chain run over time: family SMS latency, queue depths, outbox lag."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only: no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402 - must follow the backend choice

from bench.stats import percentile  # noqa: E402


def latency_buckets(
    timeline: list[tuple[float, float]], start: float, width: float = 5.0
) -> list[dict[str, float]]:
    """Return p50 and p95 of registration->SMS latency per `width`-second bucket."""
    buckets: dict[int, list[float]] = {}
    for registered, seconds in timeline:
        buckets.setdefault(int((registered - start) // width), []).append(seconds)
    return [
        {
            "t": (b + 0.5) * width,
            "p50_ms": percentile(v, 0.5) * 1000,
            "p95_ms": percentile(v, 0.95) * 1000,
            "n": len(v),
        }
        for b, v in sorted(buckets.items())
    ]


def plot_chain(chain: dict[str, Any], path: Path) -> Path:
    """Draw latency, queue depths and outbox lag against seconds since the chain started."""
    series, start = chain.get("series") or [], chain.get("started") or 0.0
    figure, (top, middle, bottom) = plt.subplots(3, 1, figsize=(10, 10), sharex=True)
    buckets = chain.get("latency_buckets") or []
    top.plot([b["t"] for b in buckets], [b["p50_ms"] for b in buckets], label="p50")
    top.plot([b["t"] for b in buckets], [b["p95_ms"] for b in buckets], label="p95")
    top.axhline(250, color="grey", linestyle="--", linewidth=0.8, label="target p95 250 ms")
    top.set_ylabel("registration -> SMS (ms)")
    top.legend(loc="upper right")
    _lines(
        middle,
        series,
        start,
        lambda k: k.startswith("queue.") and not k.endswith(".dead"),
        "queue.",
    )
    middle.set_ylabel("ready messages")
    _lines(bottom, series, start, lambda k: k.endswith(".outbox_lag_s"), "")
    bottom.axhline(5, color="grey", linestyle="--", linewidth=0.8, label="target 5 s")
    bottom.set_ylabel("outbox lag (s)")
    bottom.set_xlabel("seconds since the first registration")
    figure.suptitle(
        f"Whole chain: {chain.get('children')} children offered at "
        f"{chain.get('offered_rate_per_s')}/s, {chain.get('workers')} worker(s)"
    )
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path


def _lines(axis: Any, series: list[dict[str, Any]], start: float, wanted: Any, prefix: str) -> None:
    keys = sorted({k for row in series for k in row if wanted(k)})
    for key in keys:
        points = [(row["t"] - start, row[key]) for row in series if row.get(key) is not None]
        axis.plot([p[0] for p in points], [p[1] for p in points], label=key.removeprefix(prefix))
    if keys:
        axis.legend(loc="upper right", fontsize="small")
