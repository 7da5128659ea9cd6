"""The intake registration API at a fixed concurrency, as health workers' phones would use it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bench import platform as bp
from bench.loadgen import HttpClient, run_load
from bench.tajik_data import registration
from shared.districts import DISTRICTS

# Far from the chain's indices, so no child of this test shares a phone with one of the chain.
FIRST_INDEX = 5_000_000


def registration_load(
    platform: Any,
    seconds: float,
    concurrency: int = 16,
    seed: int = 1,
    first_index: int = FIRST_INDEX,
) -> dict[str, Any]:
    """Register generated children for a while; 409 → confirm as new, as a worker would."""
    today = date.today()
    tokens = {code: platform.token("phw", [code], sub="bench-phw") for code in DISTRICTS}

    def action(client: HttpClient, index: int) -> None:
        body = registration(first_index + index, today, seed)
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {tokens[body['child']['district_code']]}",
        }
        status, _ = client.request(
            "POST", "/children", json.dumps(body).encode(), headers, name="register"
        )
        if status == 409:
            body["confirmed_new"] = True
            client.request(
                "POST",
                "/children",
                json.dumps(body).encode(),
                headers,
                name="register (confirmed new)",
            )

    host, port = bp.host_port(platform, "intake")
    result = run_load(
        host, port, action, concurrency, duration=seconds, warmup=min(2.0, seconds / 4)
    )
    summary = result.summary("register")
    summary["all_requests"] = result.summary()
    summary["confirmed_after_409"] = result.summary("register (confirmed new)")["requests"]
    return summary
