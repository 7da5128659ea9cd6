"""The portal's page budgets (design/portal.md), measured in Chromium; not asserted in tests.

    python -m bench.portal_budget [--chromium /usr/bin/chromium] [--renders 200]

Starts the portal alone (embedded SQLite; the registration form needs no API to render) on a
free port, logs in as a demo health worker, then on a 360×740 viewport under a 2G profile
(280 kbit/s, 800 ms round trip) and 4× CPU slowdown, emulated through the DevTools protocol:
bytes transferred and script bytes of the registration page's first load, the time until it is
usable (DOMContentLoaded and load) on the first and on a repeat visit, and the server's render
time of the page (p50/p95 of --renders requests on this machine). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from shared.testing.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
TWO_G = {"offline": False, "latency": 800, "downloadThroughput": 280_000 / 8,
         "uploadThroughput": 256_000 / 8}  # fmt: skip
PASSWORD = "measure-pages-2026"


def start_portal(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """Migrate, create a health worker and start gunicorn; return the process and its URL."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(DATA_DIR=str(data_dir), LOG_LEVEL="WARNING")
    python = sys.executable
    subprocess.run(
        [python, "-m", "services.portal.migrate"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run([python, "-m", "services.portal.users", "create", "--username", "budget",
                    "--password", PASSWORD, "--role", "phw", "--districts", "rudaki"],
                   cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
    port = free_port()
    gunicorn = str(Path(python).with_name("gunicorn"))
    argv = [
        gunicorn,
        "--config",
        "deploy/gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "2",
        "services.portal.app:create_app()",
    ]
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/readyz", timeout=1).status_code == 200:
                return process, url
        except requests.RequestException:
            pass
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("the portal did not become ready")


def _visit(page, cdp, url: str) -> dict:
    """Load a page under the emulated network; return bytes by type and timings."""
    sizes: dict[str, int] = {}
    types: dict[str, str] = {}
    cdp.on("Network.responseReceived", lambda e: types.__setitem__(e["requestId"], e["type"]))
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(
            e["requestId"], sizes.get(e["requestId"], 0) + int(e["encodedDataLength"])
        ),
    )
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    load = time.perf_counter() - started
    timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    nav = json.loads(timing)
    by_type: dict[str, int] = {}
    for request_id, size in sizes.items():
        kind = types.get(request_id, "Other")
        by_type[kind] = by_type.get(kind, 0) + size
    return {"bytes_total": sum(by_type.values()), "bytes_by_type": by_type,
            "script_bytes": by_type.get("Script", 0),
            "dom_content_loaded_s": round(nav["domContentLoadedEventEnd"] / 1000, 2),
            "load_s": round(load, 2)}  # fmt: skip


def measure_pages(chromium: str, url: str) -> dict:
    """First and repeat visit of /children/new under 2G and 4× CPU slowdown."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=url)
        page = context.new_page()
        # Log in without rendering a page, so the registration page's visit is a cold first load.
        login = page.request.get(url + "/login").text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        page.request.post(url + "/login", form={"username": "budget", "password": PASSWORD,
                                                "csrf_token": token})  # fmt: skip
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.clearBrowserCache")
        cdp.send("Network.emulateNetworkConditions", TWO_G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        first = _visit(page, cdp, url + "/children/new")
        # Let the service worker install and keep the form and its files. Its own fetches are
        # not throttled by the page's emulation, so the repeat visit shows the cached case.
        page.wait_for_timeout(3000)
        repeat = _visit(page, cdp, url + "/children/new")
        browser.close()
    return {"first_visit": first, "repeat_visit": repeat}


def measure_render(url: str, renders: int) -> dict:
    """Server time to render /children/new, measured from this machine."""
    http = requests.Session()
    page = http.get(url + "/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    http.post(url + "/login", data={"username": "budget", "password": PASSWORD,
                                    "csrf_token": token})  # fmt: skip
    times = []
    for _ in range(renders):
        started = time.perf_counter()
        assert http.get(url + "/children/new").status_code == 200
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"renders": renders, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}  # fmt: skip


def main() -> int:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--renders", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-budget-") as folder:
        process, url = start_portal(Path(folder))
        try:
            figures = {"page": "/children/new", "network": "2G 280 kbit/s, 800 ms RTT",
                       "cpu_slowdown": 4, **measure_pages(args.chromium, url),
                       "server_render": measure_render(url, args.renders)}  # fmt: skip
        finally:
            process.terminate()
            process.wait(timeout=20)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
