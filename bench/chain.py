"""The whole chain: scripted health workers, case managers and providers, over HTTP.

Registrations are offered at a steady rate by their own pool of health workers (open loop: a
slow platform makes them late, it does not lower the offered rate; lateness is reported). Case
managers and providers, another pool, take each next step as soon as the platform has done its
asynchronous part, found by polling with a short back-off.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date, timedelta
from typing import Any

from bench import platform as bp
from bench.loadgen import HttpClient, Sample
from bench.stats import latency_summary
from bench.tajik_data import completion, registration
from bench.tasks import Case, StepQueues, TaskQueue

MAX_ATTEMPTS = 60  # per step; polls back off to 1 s, so a step gives up after about a minute
CASEWORK = ("assess", "refer", "accept")  # in the chain's order; the last is served first
SCHEDULE = {"scheduled_for": None, "place": "home visit", "place_type": "home_visit"}


class Chain:
    """Drives `count` children through registration, assessment, referral and acceptance."""

    def __init__(
        self,
        platform: Any,
        providers: dict[str, str],
        count: int,
        rate: float,
        threads: int = 32,
        first_index: int = 0,
        seed: int = 1,
        registrars: int = 16,
        through: str = "accept",
    ) -> None:
        self.platform, self.providers = platform, providers
        self.count, self.rate, self.threads = count, rate, threads
        self.today = date.today()
        self.seed = seed
        self.cases = [
            Case(first_index + i, registration(first_index + i, self.today, seed), 0.0)
            for i in range(count)
        ]
        self.registrars = registrars
        # "register": health workers only, each child done once registered (family latency).
        self.through = through
        # Registrations are open loop, on their own pool; casework has one queue per step,
        # served latest step first, so assessing new children never starves referring or
        # accepting the ones already assessed.
        self.queues = {"register": TaskQueue(), "casework": StepQueues(CASEWORK)}
        self.stop = threading.Event()
        self.counts: Counter = Counter()
        self.errors: Counter = Counter()
        self.samples: list[list[Sample]] = []
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str], str] = {}
        self.started = 0.0

    def progress(self) -> dict[str, int]:
        """Return how many children reached each stage (for the sampler)."""
        with self._lock:
            counts = {f"chain.{k}": v for k, v in self.counts.items()}
        waiting = self.queues["casework"].ready()
        return {**counts, **{f"chain.waiting.{k}": v for k, v in waiting.items()}}

    def token(self, role: str, key: str) -> str:
        """Return (and remember) a token: districts for staff, provider_id for providers."""
        with self._lock:
            if (role, key) not in self._tokens:
                scope = {"provider_id": key} if role == "provider" else {"districts": [key]}
                self._tokens[role, key] = self.platform.token(role, sub=f"bench-{role}", **scope)
            return self._tokens[role, key]

    def run(self, stall_seconds: float = 120.0) -> dict[str, Any]:
        """Run the chain to the end (or until nothing moves for stall_seconds)."""
        self.started = time.time() + 0.5
        for i, case in enumerate(self.cases):
            case.due = self.started + i / self.rate
            self.queues["register"].push(case.due, "register", case)
        pools = [self.queues["register"]] * self.registrars + [
            self.queues["casework"]
        ] * self.threads
        threads = [threading.Thread(target=self._work, args=(q,), daemon=True) for q in pools]
        for thread in threads:
            thread.start()
        self._wait(stall_seconds)
        self.stop.set()
        for thread in threads:
            thread.join()
        return self.summary()

    def _wait(self, stall_seconds: float) -> None:
        last, moved = -1, time.time()
        while True:
            with self._lock:
                finished = self.counts["done"] + self.counts["failed"]
            if finished >= self.count:
                return
            if finished != last:
                last, moved = finished, time.time()
            elif time.time() - moved > stall_seconds:
                self.errors["stalled"] += self.count - finished
                return
            time.sleep(0.2)

    def _queue(self, step: str) -> TaskQueue | StepQueues:
        return self.queues["register" if step == "register" else "casework"]

    def _work(self, queue: TaskQueue | StepQueues) -> None:
        samples: list[Sample] = []
        with self._lock:
            self.samples.append(samples)
        clients = {s: HttpClient(*bp.host_port(self.platform, s), samples) for s in bp.SERVICES}
        steps = {
            "register": self._register,
            "assess": self._assess,
            "refer": self._refer,
            "accept": self._accept,
        }
        while (task := queue.pop(self.stop)) is not None:
            step, case = task
            steps[step](clients, case)
        for client in clients.values():
            client.close()

    def _count(self, stage: str) -> None:
        with self._lock:
            self.counts[stage] += 1

    def _retry(self, step: str, case: Case, reason: str) -> None:
        """Poll again later with a growing delay, or give the case up."""
        case.attempts += 1
        with self._lock:
            self.errors[f"{step}: {reason}"] += 1
        if case.attempts >= MAX_ATTEMPTS:
            self._count("failed")
            return
        delay = min(0.05 * 1.5 ** min(case.attempts, 12), 1.0)
        self._queue(step).push(time.time() + delay, step, case)

    def _advance(self, step: str, case: Case) -> None:
        case.attempts = 0
        self._queue(step).push(time.time(), step, case)

    def _register(self, clients: dict[str, HttpClient], case: Case) -> None:
        district = case.body["child"]["district_code"]
        if not case.registered_at:
            case.registered_at = time.time()
        status, body = clients["intake"].call(
            "POST", "/children", case.body, self.token("phw", district), name="register"
        )
        if status == 409 and not case.body.get("confirmed_new"):
            # What a health worker does after checking the candidates: it is a new child.
            case.duplicates += 1
            case.body = {**case.body, "confirmed_new": True}
            self._advance("register", case)
        elif status == 201:
            case.child_id = body["id"]
            self._count("registered")
            if self.through == "register":
                case.done_at = time.time()
                self._count("done")
            else:
                self._advance("assess", case)
        else:
            self._retry("register", case, str(status))

    def _assess(self, clients: dict[str, HttpClient], case: Case) -> None:
        client = clients["assessment"]
        cm = self.token("case_manager", case.body["child"]["district_code"])
        status, body = client.call(
            "GET", f"/assessments?child_id={case.child_id}", token=cm, name="find assessment"
        )
        items = (body or {}).get("items") or []
        if status != 200 or not items:
            return self._retry("assess", case, f"no assessment yet ({status})")
        path = f"/assessments/{items[0]['id']}"
        visit = (self.today + timedelta(days=1)).isoformat() + "T10:00:00+05:00"
        status, _ = client.call(
            "POST", f"{path}/schedule", {**SCHEDULE, "scheduled_for": visit}, cm, name="schedule"
        )
        if status != 200:
            return self._retry("assess", case, f"schedule {status}")
        born = date.fromisoformat(case.body["child"]["date_of_birth"])
        answers = completion(case.index, born, self.today, self.seed)
        status, body = client.call("POST", f"{path}/complete", answers, cm, name="complete")
        if status != 200:
            return self._retry("assess", case, f"complete {status}")
        kinds = body.get("recommended_service_types") or body["result"]["recommended_service_types"]
        case.service_type = kinds[0]
        self._count("assessed")
        self._advance("refer", case)

    def _refer(self, clients: dict[str, HttpClient], case: Case) -> None:
        client = clients["referral"]
        cm = self.token("case_manager", case.body["child"]["district_code"])
        path = f"/children/{case.child_id}/matches?service_type={case.service_type}"
        status, body = client.call("GET", path, token=cm, name="matches")
        items = (body or {}).get("items") or []
        if status != 200 or not items:
            return self._retry("refer", case, f"no match yet ({status})")
        case.provider_id = items[0]["provider"]["id"]
        order = {
            "child_id": case.child_id,
            "provider_id": case.provider_id,
            "service_type": case.service_type,
        }
        started = time.time()
        status, body = client.call("POST", "/referrals", order, cm, name="refer")
        if status != 201:
            return self._retry("refer", case, f"refer {status}")
        case.referral_id, case.referred_at = body["id"], started
        self._count("referred")
        self._advance("accept", case)

    def _accept(self, clients: dict[str, HttpClient], case: Case) -> None:
        start = {"start_date": (self.today + timedelta(days=7)).isoformat()}
        started = time.time()
        status, _ = clients["referral"].call(
            "POST",
            f"/referrals/{case.referral_id}/accept",
            start,
            self.token("provider", case.provider_id),
            name="accept",
        )
        if status != 200:
            return self._retry("accept", case, f"accept {status}")
        case.accepted_at, case.done_at = started, time.time()
        self._count("accepted")
        self._count("done")

    def summary(self) -> dict[str, Any]:
        """Return throughput, per-step HTTP latency, retries and errors."""
        done = [c for c in self.cases if c.done_at]
        first = min((c.registered_at for c in self.cases if c.registered_at), default=0.0)
        last = max((c.done_at for c in done), default=first)
        samples = [s for group in self.samples for s in group]
        names = sorted({s.name for s in samples})
        late = [c.registered_at - c.due for c in self.cases if c.registered_at]
        return {
            "children": self.count,
            "completed": len(done),
            "offered_rate_per_s": self.rate,
            "seconds": round(last - first, 1),
            "children_per_s": round(len(done) / (last - first), 2) if last > first else None,
            "duplicates_confirmed": sum(c.duplicates for c in self.cases),
            "registration_lateness": latency_summary(late),
            "http": {n: _http(samples, n) for n in names},
            "stages": dict(self.counts),
            "retries": dict(self.errors.most_common(12)),
        }


def _http(samples: list[Sample], name: str) -> dict[str, Any]:
    mine = [s for s in samples if s.name == name]
    return {
        **latency_summary([s.seconds for s in mine]),
        "statuses": dict(Counter(str(s.status) for s in mine)),
    }
