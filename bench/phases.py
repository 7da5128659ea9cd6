"""The measured phases of a run, each on a running platform."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from bench import platform as bp
from bench import profiling
from bench.chain import Chain
from bench.cpu import per_child
from bench.intake_load import registration_load
from bench.latency import family_latency, guardian_sms, wait_for_acceptance_sms
from bench.pgactivity import ActivitySampler
from bench.plot import latency_buckets
from bench.sampler import Sampler, series_summary


def merge_peaks(into: dict[str, float], peaks: dict[str, float]) -> None:
    """Keep the highest RSS seen for each process."""
    for name, mb in peaks.items():
        into[name] = round(max(into.get(name, 0.0), mb), 1)


WORKERS = tuple(f"{service}-worker" for service in bp.SERVICES)


def intake_phase(
    platform: Any, seconds: float, concurrency: int, peaks: dict[str, float]
) -> dict[str, Any]:
    """Load the registration API twice: alone, as the baselines run, and beside the workers.

    Alone: every worker is stopped, so the API has the machine as the baselines had it; its
    events wait in the outbox. Then only intake's worker starts, and the relay's rate on that
    backlog is measured with nothing else running. Then the rest of the workers start and
    carry the events to the end; the second load runs with everything consuming.
    """
    with Sampler(platform) as sampler:
        for name in WORKERS:
            platform.stop(name)
        alone = registration_load(platform, seconds, concurrency)
        result = {**alone, "workers_running": False}
        platform.start("intake-worker")
        result["relay"] = _relay_drain(platform)
        for name in WORKERS[1:]:
            platform.start(name)
        result["drained_after_s"] = round(bp.wait_drained(platform), 1)
        beside = registration_load(platform, seconds, concurrency, seed=2, first_index=6_000_000)
        result["with_workers"] = {**beside, "workers_running": True}
        result["with_workers"]["drained_after_s"] = round(bp.wait_drained(platform), 1)
    result["sampled"] = series_summary(sampler.rows)
    result["cpu_seconds"] = sampler.cpu_seconds
    merge_peaks(peaks, sampler.peak_rss)
    return result


def _relay_drain(platform: Any, timeout: float = 300.0) -> dict[str, Any]:
    """Time intake's relay on the backlog the load left: from its first sent event to none."""
    engine = create_engine(platform.database_urls["intake"])
    query = text("SELECT count(*) FROM outbox WHERE published_at IS NULL")
    try:
        with engine.connect() as connection:
            backlog = first = connection.execute(query).scalar_one()
            started = time.monotonic()
            began = None
            while time.monotonic() - started < timeout:
                left = connection.execute(query).scalar_one()
                connection.commit()
                if began is None and left < backlog:
                    began, first = time.monotonic(), left
                if left == 0:
                    break
                time.sleep(0.02)
            ended = time.monotonic()
    finally:
        engine.dispose()
    seconds = ended - began if began is not None else None
    return {
        "backlog": backlog,
        "seconds": round(seconds, 2) if seconds else None,
        # The first batch went out before the first poll saw it: count from there.
        "events_per_s": round(first / seconds) if seconds else None,
    }


def family_sms_phase(
    platform: Any, count: int, rate: float, peaks: dict[str, float]
) -> dict[str, Any]:
    """Registrations alone at a steady rate: how soon each family's SMS record exists."""
    chain = Chain(platform, {}, count, rate, first_index=8_000_000, through="register", seed=3)
    database = platform.database_urls["notifications"]
    with Sampler(platform, chain.progress) as sampler:
        result = chain.run()
        bp.wait_drained(platform)
    latency, timeline = family_latency(chain.cases, guardian_sms(database))
    merge_peaks(peaks, sampler.peak_rss)
    result.update(
        family_latency=latency,
        latency_buckets=latency_buckets(timeline, chain.started),
        sampled=series_summary(sampler.rows),
        cpu_seconds=sampler.cpu_seconds,
    )
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
        cpu_per_child=per_child(sampler.cpu_seconds, result["completed"]),
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
