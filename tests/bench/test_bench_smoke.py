"""The benchmark harness runs end to end on a tiny scale and writes a sane report.

Speed is never asserted here: a shared CI machine says nothing about the platform's speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.integration,
    pytest.mark.e2e,
    pytest.mark.timeout(330),
    pytest.mark.long(seconds=110),
]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report(postgres_url: str, rabbitmq_url: str, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("results")
    env = {**os.environ, "POSTGRES_URL": postgres_url, "RABBITMQ_URL": rabbitmq_url}
    argv = [
        sys.executable,
        "-m",
        "bench.run",
        "--smoke",
        "--out",
        str(out),
        "--workdir",
        str(tmp_path_factory.mktemp("work")),
    ]
    run = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        stdout, stderr = run.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        run.terminate()  # the run tears its platform down on SIGTERM
        stdout, stderr = run.communicate(timeout=60)
        pytest.fail(f"the smoke run did not finish in 240 s:\n{stderr[-4000:]}")
    assert run.returncode == 0, stderr[-4000:]
    paths = [Path(line) for line in stdout.split()]
    return {"paths": paths, "data": json.loads(paths[0].read_text())}


def test_writes_json_markdown_and_png(report):
    suffixes = sorted(path.suffix for path in report["paths"])
    assert suffixes == [".json", ".md", ".png"]
    png = next(p for p in report["paths"] if p.suffix == ".png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_child_went_through_the_whole_chain(report):
    chain = report["data"]["chain"]
    assert chain["completed"] == chain["children"] == 20
    assert chain["stages"]["accepted"] == 20
    latency = chain["family_latency"]
    assert latency["registration_to_first_family_sms_record"]["count"] == 20
    assert latency["referral_to_acceptance_sms_record"]["count"] == 20
    assert chain["series"] and "queue.notifications.events" in chain["series"][-1]
    assert "notifications-worker" in chain["cpu_seconds"]
    cost = chain["cpu_per_child"]
    assert cost["platform_ms"] > 0 and "benchmark driver" not in cost["split_ms"]
    assert "CPU per child" in report["paths"][1].read_text()
    assert isinstance(chain["database_activity"], list)


def test_baselines_intake_importer_and_scaling_have_figures(report):
    data = report["data"]
    assert data["baselines"]["broker"]["publish_confirm_batch_100"]["rate_per_s"] > 0
    # the relay's own ceiling: its publisher, routed as the platform routes a registration
    alone = data["baselines"]["broker"]["relay_publisher_alone"]
    assert alone["events"] > 0 and alone["events_per_s"] > 0
    assert alone["queues"] == 3 and alone["queue_type"] == "quorum"
    assert data["baselines"]["http"]["validate_insert_outbox_post"]["statuses"] == {
        "201": data["baselines"]["http"]["validate_insert_outbox_post"]["requests"]
    }
    assert data["intake_api"]["requests"] > 0
    statuses = data["intake_api"]["all_requests"]["statuses"]
    assert "201" in statuses and not [s for s in statuses if s[0] in "05"]
    assert data["importer"]["exit_code"] == 0
    assert 0 < data["importer"]["relay"]["events"] <= data["importer"]["rows"]
    assert [run["workers"] for run in data["scaling"]] == [1, 2]
    assert all(run["completed"] == run["children"] for run in data["scaling"])


def test_markdown_names_each_target_and_the_machine(report):
    text = next(p for p in report["paths"] if p.suffix == ".md").read_text()
    for figure in (
        "Registration API p99",
        "Outbox relay",
        "family SMS record",
        "Whole chain",
        "Outbox lag",
        "Peak RSS",
        "RabbitMQ",
        "PostgreSQL",
    ):
        assert figure in text
    memory = report["data"]["peak_rss_mb"]
    assert {"intake-api (worker)", "notifications-worker"} <= set(memory)


def test_intake_alone_and_beside_workers_relay_rate_and_family_sms_have_figures(report):
    data = report["data"]
    intake = data["intake_api"]
    assert intake["workers_running"] is False and intake["with_workers"]["workers_running"]
    assert intake["with_workers"]["requests"] > 0
    relay = intake["relay"]
    assert relay["backlog"] >= intake["statuses"].get("201", 0) > 0
    family = data["family_sms"]
    assert family["completed"] == family["children"] == family["stages"]["registered"]
    sms = family["family_latency"]["registration_to_first_family_sms_record"]
    assert sms["count"] == family["children"]
    markdown = next(p for p in report["paths"] if p.suffix == ".md").read_text()
    assert "registrations alone" in markdown and "workers paused" in markdown
    assert "of its publisher alone in the same rounds" in markdown
    assert "intake's relay on the load's backlog" in markdown


def test_the_relay_target_is_judged_on_a_backlog_of_its_own(report):
    backlog = report["data"]["relay_backlog"]
    assert backlog["events"] == 300 and backlog["rounds"] == 2
    ways = [(row["round"], row["way"]) for row in backlog["rows"]]
    assert ways == [
        (r, w)
        for r in (1, 2)
        for w in ("publisher alone", "relay, not analyzed", "relay, analyzed")
    ]
    assert all(row["events"] == 300 for row in backlog["rows"])
    assert backlog["relay_per_s"] > 0 and backlog["share_of_alone"] > 0
    markdown = next(p for p in report["paths"] if p.suffix == ".md").read_text()
    assert "## Outbox relay on a backlog" in markdown
    relay_row = next(line for line in markdown.splitlines() if line.startswith("| Outbox relay"))
    assert f"{backlog['relay_per_s']:,} events/s" in relay_row
