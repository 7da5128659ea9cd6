"""The README's walk and docs/walkthrough.md, run as written against a local run of the platform.

Every fenced `bash` block of the walk-through runs after the README's own walk (so following the
README first must not break the walk-through), with curl failing on any 4xx/5xx. The local run is
`scripts/run_local.py` with its data in a temporary folder and the APIs on free ports.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.testing import wait_for
from shared.testing.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "assessment", "referral", "notifications", "quality")
BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
PREAMBLE = """set -euo pipefail
curl() { command curl --fail-with-body --max-time 30 "$@"; }
"""

pytestmark = [pytest.mark.e2e, pytest.mark.long(seconds=25)]


def bash_blocks(path: Path) -> list[str]:
    """Return the fenced bash blocks of a Markdown file, in order."""
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def walk_script(ports: dict[str, int], tokens: Path) -> str:
    """The README's walk, then every block of the walk-through, aimed at this run."""
    readme = [b for b in bash_blocks(ROOT / "README.md") if "source var/tokens.env" in b]
    assert len(readme) == 1, "the README's walk starts with: source var/tokens.env"
    script = PREAMBLE + "\n".join([*readme, *bash_blocks(ROOT / "docs" / "walkthrough.md")])
    for number, service in enumerate(SERVICES, start=1):
        script = script.replace(f"localhost:800{number}", f"localhost:{ports[service]}")
    return script.replace("var/tokens.env", str(tokens))


@pytest.fixture(scope="module")
def local_run(tmp_path_factory) -> Iterator[tuple[dict[str, int], Path]]:
    """scripts/run_local.py on free ports, its data in a temporary folder; stopped afterwards."""
    data_dir = tmp_path_factory.mktemp("local-run")
    ports = {service: free_port() for service in SERVICES}
    env = {k: v for k, v in os.environ.items() if k not in ("JWT_SECRET", "SMS_RECEIPT_SECRET")}
    argv = [sys.executable, "scripts/run_local.py", "--data-dir", str(data_dir),
            "--ports", ",".join(str(ports[s]) for s in SERVICES),
            "--portal-port", str(free_port())]  # fmt: skip
    log = (data_dir / "run-local.log").open("w")
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    tokens = data_dir / "tokens.env"
    try:
        wait_for(
            lambda: tokens.exists() or process.poll() is not None,
            timeout=240,
            message="the local run's tokens",
        )
        assert tokens.exists(), (data_dir / "run-local.log").read_text()[-3000:]
        yield ports, tokens
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_the_readme_and_the_walkthrough_run_as_written(local_run):
    ports, tokens = local_run
    script = walk_script(ports, tokens)
    done = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
    out = done.stdout
    for status in ("accepted", "in_progress", "completed"):
        assert status in out.split(), f"the referral did not reach {status}:\n{out[-2000:]}"
    assert "Ваҳдат" in out  # the districts list, with its Tajik names


def test_the_walkthrough_uses_no_fixed_calendar_dates():
    text = "\n".join(bash_blocks(ROOT / "docs" / "walkthrough.md"))
    # Only the child's date of birth is fixed (the README registers the same child).
    assert set(re.findall(r"\d{4}-\d\d-\d\d", text)) == {"2023-04-12"}
