"""Realistic generated registrations: Tajik names, districts weighted by population, phones.

Every record is a pure function of (seed, index), so a run can be repeated exactly. Guardian
phones are unique per index, and every guardian consents to SMS (each child must produce the
family SMS whose latency is measured).
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from shared import vocabulary
from shared.districts import DISTRICTS

DATA = Path(__file__).with_name("data") / "tajik_names.json"
# Concerns a screener notes most often: the CFM domains seeing … concentrating.
CONCERNS = vocabulary.CONCERNS[:11]
URGENT_REASON = "Вазъи саломатии кӯдак вазнин аст"
# Questions that, answered 3 ("a lot of difficulty"), put one domain over its cut-off.
DIFFICULTY_QUESTIONS = {
    "cfm_2_4": ("CF3", "CF6", "CF10", "CF11", "CF12", "CF14", "CF15"),
    "cfm_5_17": ("CF3", "CF6", "CF14", "CF15", "CF17", "CF18", "CF19", "CF22"),
}
NO_DIFFICULTY = {
    "cfm_2_4": {
        "CF1": 2,
        "CF3": 1,
        "CF4": 2,
        "CF6": 1,
        "CF7": 2,
        "CF10": 1,
        "CF11": 1,
        "CF12": 1,
        "CF13": 1,
        "CF14": 1,
        "CF15": 1,
        "CF16": 1,
    },
    "cfm_5_17": {
        "CF1": 2,
        "CF3": 1,
        "CF4": 2,
        "CF6": 1,
        "CF7": 2,
        "CF12": 1,
        "CF13": 1,
        "CF14": 1,
        "CF15": 1,
        "CF16": 1,
        "CF17": 1,
        "CF18": 1,
        "CF19": 1,
        "CF20": 1,
        "CF21": 1,
        "CF22": 1,
        "CF23": 5,
        "CF24": 5,
    },
}


@cache
def names() -> dict[str, Any]:
    """Return the name lists."""
    return json.loads(DATA.read_text("utf-8"))


@cache
def district_weights() -> tuple[list[str], list[float]]:
    """Return district codes and weights: each region's population shared by its districts."""
    population = names()["region_population_millions"]
    per_region: dict[str, int] = {}
    for district in DISTRICTS.values():
        per_region[district.region_code] = per_region.get(district.region_code, 0) + 1
    codes = sorted(DISTRICTS)
    weights = [
        population[DISTRICTS[c].region_code] / per_region[DISTRICTS[c].region_code] for c in codes
    ]
    return codes, weights


def phone(index: int, rng: random.Random) -> str:
    """Return a unique Tajik mobile number for an index, written the way people write them."""
    prefixes = names()["mobile_prefixes"]
    prefix = prefixes[index % len(prefixes)]
    # 7919 is prime, so index -> subscriber number is one-to-one below 10**7 per prefix.
    number = f"{(index // len(prefixes) * 7919 + 1234567) % 10**7:07d}"
    style = rng.randrange(4)
    if style == 0:
        return f"{prefix} {number[:3]} {number[3:]}"
    if style == 1:
        return f"+992{prefix}{number}"
    if style == 2:
        return f"992 {prefix} {number[:3]} {number[3:5]} {number[5:]}"
    return f"00992{prefix}{number}"


def family_name(rng: random.Random, sex: str) -> str:
    """Return a family name in the form that fits the sex."""
    form = rng.choice(names()["family_forms"][sex])
    return form.format(root=rng.choice(names()["family_roots"]))


def registration(index: int, today: date, seed: int = 1) -> dict[str, Any]:
    """Return the POST /children body of the index-th generated child (aged 2 to 17)."""
    rng = random.Random(seed * 10_000_019 + index)
    data = names()
    sex = rng.choice(("female", "male"))
    given = rng.choice(data["female_given" if sex == "female" else "male_given"])
    family = family_name(rng, sex)
    # Mid-year birthdays keep every child well inside one CFM age band on the assessment day.
    born = today - timedelta(days=365 * rng.randint(2, 17) + rng.randint(40, 320))
    codes, weights = district_weights()
    relationship = rng.choices(("mother", "father", "grandparent"), (70, 20, 10))[0]
    guardian_sex = "male" if relationship == "father" else "female"
    guardian_given = rng.choice(data["male_given" if guardian_sex == "male" else "female_given"])
    return {
        "child": {
            "given_name": given,
            "family_name": family,
            "patronymic": None,
            "sex": sex,
            "date_of_birth": born.isoformat(),
            "district_code": rng.choices(codes, weights)[0],
            "jamoat": rng.choice(data["jamoats"]),
            "village": rng.choice(data["villages"]),
        },
        "guardian": {
            "name": f"{guardian_given} {family_name(rng, guardian_sex)}",
            "relationship": relationship,
            "phone": phone(index, rng),
            "language": rng.choices(("tg", "ru"), (80, 20))[0],
            "sms_consent": True,
        },
        "consent": {"data_sharing": True, "given_by": relationship},
        "screening": screening(rng),
        "confirmed_new": False,
    }


def screening(rng: random.Random) -> dict[str, Any]:
    """Return the screening section: one to three concerns, one child in ten urgent."""
    section = {
        "concerns": rng.sample(CONCERNS, rng.randint(1, 3)),
        "urgent": rng.random() < 0.1,
        "note": "",
        "source": "phw",
    }
    if section["urgent"]:
        section["urgent_reason"] = URGENT_REASON
    return section


def instrument_for(date_of_birth: date, on: date) -> str:
    """Return the CFM version for a child's age on a date (the bench only makes 2-17)."""
    years = (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )
    return "cfm_2_4" if years < 5 else "cfm_5_17"


def completion(index: int, date_of_birth: date, on: date, seed: int = 1) -> dict[str, Any]:
    """Return a POST /assessments/{id}/complete body with one to three domains of difficulty."""
    rng = random.Random(seed * 7_000_003 + index)
    instrument = instrument_for(date_of_birth, on)
    answers = dict(NO_DIFFICULTY[instrument])
    for code in rng.sample(DIFFICULTY_QUESTIONS[instrument], rng.randint(1, 3)):
        answers[code] = 3
    context = {
        "caregiver_at_home": rng.random() < 0.9,
        "travel_minutes_to_day_care": rng.randint(10, 90),
        "protection_concern": False,
    }
    return {"answers": answers, "family_context": context, "notes": ""}
