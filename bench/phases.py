"""The measured phases of a run, each on a running platform."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from bench import platform as bp
from bench import profiling
from bench.chain import Chain
from bench.intake_load import registration_load
from bench.latency import family_latency, guardian_sms, wait_for_acceptance_sms
from bench.pgactivity import ActivitySampler
from bench.plot import latency_buckets
from bench.sampler import Sampler, series_summary


def merge_peaks(into: dict[str, float], peaks: dict[str, float]) -> None:
    """Keep the highest RSS seen for each process."""
    for name, mb in peaks.items():
        into[name] = round(max(into.get(name, 0.0), mb), 1)


def intake_phase(
    platform: Any, seconds: float, concurrency: int, peaks: dict[str, float]
) -> dict[str, Any]:
    """Load the registration API, then let the platform carry the events to the end."""
    with Sampler(platform) as sampler:
        result = registration_load(platform, seconds, concurrency)
        result["drained_after_s"] = round(bp.wait_drained(platform), 1)
    result["sampled"] = series_summary(sampler.rows)
    result["cpu_seconds"] = sampler.cpu_seconds
    merge_peaks(peaks, sampler.peak_rss)
    return result


def chain_phase(
    platform: Any,
    providers: dict[str, str],
    count: int,
    rate: float,
    threads: int,
    first_index: int,
    peaks: dict[str, float],
    profile: Path | None = None,
) -> dict[str, Any]:
    """Take `count` children through the chain; measure throughput, latency, lag, memory."""
    chain = Chain(platform, providers, count, rate, threads=threads, first_index=first_index)
    database = platform.database_urls["notifications"]
    with (
        Sampler(platform, chain.progress) as sampler,
        ActivitySampler(platform.database_urls) as activity,
    ):
        profiler = _profile_later(platform, profile, count / rate)
        result = chain.run()
        result["acceptance_sms_found"] = wait_for_acceptance_sms(database, result["completed"])
    if profiler is not None:
        profiler.join()
        result["profile"] = profiling.finish(profiler.recorders, profile)
    latency, timeline = family_latency(chain.cases, guardian_sms(database))
    merge_peaks(peaks, sampler.peak_rss)
    result.update(
        workers=bp.worker_count(platform),
        started=chain.started,
        family_latency=latency,
        latency_buckets=latency_buckets(timeline, chain.started),
        sampled=series_summary(sampler.rows),
        cpu_seconds=sampler.cpu_seconds,
        database_activity=activity.summary(),
        peak_rss_mb=dict(sorted(sampler.peak_rss.items())),
        series=sampler.rows,
    )
    bp.wait_drained(platform)
    return result


class _Profiler(threading.Thread):
    """Starts py-spy on every process once the chain is in its steady state."""

    def __init__(self, pids: dict[str, int], delay: float, seconds: float, folder: Path) -> None:
        super().__init__(daemon=True)
        self.pids, self.delay, self.seconds, self.folder = pids, delay, seconds, folder
        self.recorders: list = []

    def run(self) -> None:
        time.sleep(self.delay)
        self.recorders = profiling.start(self.pids, self.seconds, self.folder)


def _profile_later(platform: Any, folder: Path | None, expected: float) -> _Profiler | None:
    if folder is None:
        return None
    # Skip the ramp-up; record the middle of the run, at most a minute.
    delay = min(10.0, expected / 4)
    profiler = _Profiler(
        bp.long_running(platform), delay, max(2.0, min(60.0, expected / 2)), folder
    )
    profiler.start()
    return profiler
