"""python -m bench.run: every benchmark in one command; results in bench/results/.

Needs the local PostgreSQL and RabbitMQ (POSTGRES_URL, RABBITMQ_URL; defaults 127.0.0.1).
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import platform as bp
from bench.baselines import run_baselines
from bench.importer_bench import importer_bench
from bench.machine import machine_facts
from bench.phases import chain_phase, family_sms_phase, intake_phase
from bench.plot import plot_chain
from bench.relay_backlog import backlog_phase
from bench.report import write
from bench.servers import rabbitmq_url

RESULTS = Path(__file__).with_name("results")
SMOKE = {
    "children": 20,
    "rate": 10.0,
    "intake_seconds": 1.0,
    "concurrency": 4,
    "family_seconds": 2.0,
    "baseline_seconds": 1.5,
    "baseline_scale": 0.02,
    "import_rows": 40,
    "relay_events": 300,
    "scaling_children": 10,
    "scaling_rate": 10.0,
    "reuse_platform": True,
}
# Far apart, so children of different runs on one platform never share a phone number.
SCALING_FIRST_INDEX = 2_000_000


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line; --smoke shrinks everything to a quick check of the harness."""
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    p.add_argument("--children", type=int, default=25_000, help="children through the chain")
    p.add_argument("--rate", type=float, default=50.0, help="registrations offered per second")
    p.add_argument("--threads", type=int, default=32, help="scripted users working in parallel")
    p.add_argument("--concurrency", type=int, default=16, help="connections for API load tests")
    p.add_argument("--intake-seconds", type=float, default=20.0)
    p.add_argument(
        "--family-seconds",
        type=float,
        default=60.0,
        help="registrations alone at --rate for this long: family SMS latency",
    )
    p.add_argument("--baseline-seconds", type=float, default=10.0)
    p.add_argument("--baseline-scale", type=float, default=1.0, help="share of broker messages")
    p.add_argument("--import-rows", type=int, default=25_000)
    p.add_argument(
        "--relay-events",
        type=int,
        default=20_000,
        help="the outbox relay's backlog, published in two rounds each way",
    )
    p.add_argument("--scaling-children", type=int, default=2_000)
    p.add_argument("--scaling-rate", type=float, default=50.0)
    p.add_argument("--scaling-workers", default="1,2", help="worker processes per service")
    p.add_argument("--gunicorn-workers", default=bp.PRODUCTION_SETTINGS["GUNICORN_WORKERS"])
    p.add_argument("--gunicorn-threads", default=bp.PRODUCTION_SETTINGS["GUNICORN_THREADS"])
    p.add_argument(
        "--reuse-platform",
        action="store_true",
        help="scale on the main platform instead of fresh ones",
    )
    for phase in ("baselines", "relay", "intake", "family", "chain", "importer", "scaling"):
        p.add_argument(f"--skip-{phase}", action="store_true")
    p.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness only")
    p.add_argument("--profile", action="store_true", help="py-spy every process mid-chain")
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--workdir", type=Path, default=None, help="logs (default: a temp folder)")
    args = p.parse_args(argv)
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    return args


def api_settings(args: argparse.Namespace) -> dict[str, str]:
    """Return the gunicorn settings of every API and of the HTTP baselines alike."""
    return {
        "GUNICORN_WORKERS": str(args.gunicorn_workers),
        "GUNICORN_THREADS": str(args.gunicorn_threads),
    }


def phase(results: dict[str, Any], name: str, run: Any, *args: Any) -> None:
    """Run one phase; a failure is recorded with its cause and the next phase still runs."""
    _log(name)
    try:
        results[name] = run(*args)
    except Exception as exc:  # the other phases' figures are still worth writing
        results.setdefault("errors", {})[name] = "".join(traceback.format_exception(exc, limit=-8))[
            -3000:
        ]
        _log(f"{name} failed: {exc!r}")


def on_platform(args: argparse.Namespace, work: Path, results: dict[str, Any]) -> None:
    """Run the phases that share the main platform (one worker process per service)."""
    peaks = results["peak_rss_mb"]
    profile = work / "profile" if args.profile else None
    with bp.running(work / "platform", **api_settings(args)) as platform:
        providers = bp.create_providers(platform)
        if not args.skip_intake:
            phase(
                results,
                "intake_api",
                intake_phase,
                platform,
                args.intake_seconds,
                args.concurrency,
                peaks,
            )
        if not args.skip_family:
            phase(
                results,
                "family_sms",
                family_sms_phase,
                platform,
                max(1, int(args.family_seconds * args.rate)),
                args.rate,
                peaks,
            )
        if not args.skip_chain:
            phase(
                results,
                "chain",
                chain_phase,
                platform,
                providers,
                args.children,
                args.rate,
                args.threads,
                0,
                peaks,
                profile,
            )
        if not args.skip_importer:
            phase(results, "importer", importer_bench, platform, args.import_rows, work)
        if args.reuse_platform and not args.skip_scaling:
            phase(
                results,
                "scaling",
                lambda: [_scale(args, platform, providers, w, peaks) for w in _workers(args)],
            )


def _workers(args: argparse.Namespace) -> list[int]:
    return [int(w) for w in args.scaling_workers.split(",") if w.strip()]


def _scale(
    args: argparse.Namespace,
    platform: Any,
    providers: dict[str, str],
    workers: int,
    peaks: dict[str, float],
) -> dict[str, Any]:
    bp.add_workers(platform, workers)
    first = SCALING_FIRST_INDEX * workers
    run = chain_phase(
        platform, providers, args.scaling_children, args.scaling_rate, args.threads, first, peaks
    )
    run.pop("series")
    return run


def fresh_scaling(args: argparse.Namespace, work: Path, peaks: dict[str, float]) -> list[dict]:
    """Run the scaling chains, each on a fresh platform with N worker processes per service."""
    runs = []
    for workers in _workers(args):
        settings = api_settings(args)
        with bp.running(work / f"scaling-{workers}", workers=workers, **settings) as platform:
            providers = bp.create_providers(platform)
            runs.append(_scale(args, platform, providers, workers, peaks))
    return runs


def main(argv: list[str] | None = None) -> int:
    """Run everything asked for and write JSON, Markdown and PNG; print where they are."""
    args = parse(argv)
    # SIGTERM (nohup runs, CI timeouts) unwinds like Ctrl-C, so every platform is torn down.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-"))
    work.mkdir(parents=True, exist_ok=True)
    command = "python -m bench.run " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    results: dict[str, Any] = {
        "command": command.strip(),
        "machine": machine_facts(),
        "peak_rss_mb": {},
        "workdir": str(work),
        "settings": {k: str(v) for k, v in vars(args).items()},
    }
    started = time.monotonic()
    if not args.skip_baselines:
        phase(
            results,
            "baselines",
            run_baselines,
            rabbitmq_url(),
            api_settings(args),
            args.baseline_seconds,
            args.concurrency,
            args.baseline_scale,
            work,
        )
    if not args.skip_relay:
        # Before the platform starts: the relay and its publisher alone have the machine.
        phase(results, "relay_backlog", backlog_phase, args.relay_events)
    _log("platform phases")
    on_platform(args, work, results)
    if not args.reuse_platform and not args.skip_scaling:
        phase(results, "scaling", fresh_scaling, args, work, results["peak_rss_mb"])
    results["total_seconds"] = round(time.monotonic() - started, 1)
    _write_all(results, args.out)
    return 1 if results.get("errors") else 0


def _write_all(results: dict[str, Any], out: Path) -> None:
    stem = datetime.now(UTC).strftime("%Y-%m-%d-%H%M%S")
    json_path, md_path = write(results, out, stem)
    paths = [json_path, md_path]
    if "chain" in results:
        paths.append(plot_chain(results["chain"], out / f"{stem}.png"))
    for path in paths:
        print(path)


def _log(what: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {what}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
