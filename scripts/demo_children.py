"""Register a few demo children for the local run: the dashboard and the map show them waiting.

They live outside district Rudaki (the demo users' district and the walk-through's), among them
Murghob, Darvoz and Vanj, which no demo provider serves: the coverage map shows those as
children waiting with no provider. Fixed Idempotency-Keys make a second run change nothing.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date

# (key, given name, family name, sex, age in years, district, village, concerns, urgent)
DEMO_CHILDREN = [
    ("1", "Шаҳром", "Назаров", "male", 4, "murghob", "Каракул", ["walking"], True),
    ("2", "Зарина", "Давлатова", "female", 7, "murghob", "Аличур", ["hearing"], False),
    ("3", "Умед", "Ҷумъаев", "male", 5, "darvoz", "Калаи Хумб", ["communication"], False),
    ("4", "Гулрухсор", "Саидова", "female", 3, "vanj", "Ванҷ", ["seeing", "learning"], True),
    ("5", "Фаридун", "Азизов", "male", 9, "vahdat", "Ромит", ["self_care"], False),
    ("6", "Мадина", "Ҳасанова", "female", 6, "hisor", "Шаҳринав", ["playing"], False),
]
DISTRICTS = sorted({child[5] for child in DEMO_CHILDREN})


def _body(child: tuple, today: date) -> dict:
    key, given, family, sex, age, district, village, concerns, urgent = child
    born = date(today.year - age, 3, 1).isoformat()
    mother = "Гулнора" if sex == "male" else "Ситора"
    return {
        "child": {"given_name": given, "family_name": family, "patronymic": None, "sex": sex,
                  "date_of_birth": born, "district_code": district, "jamoat": None,
                  "village": village},
        "guardian": {"name": f"{mother} {family}", "relationship": "mother",
                     "phone": f"93 000 10{int(key):02d}", "language": "tg", "sms_consent": True},
        "consent": {"data_sharing": True, "given_by": "mother"},
        "screening": {"concerns": concerns, "urgent": urgent,
                      "urgent_reason": "danger_signs" if urgent else None,
                      "note": "", "source": "sah_worker"},
        "confirmed_new": True,
    }  # fmt: skip


def register_demo_children(intake_url: str, token: str, today: date) -> int:
    """Register the demo children; return how many the intake API accepted (new or repeated)."""
    accepted = 0
    for child in DEMO_CHILDREN:
        request = urllib.request.Request(
            f"{intake_url}/children",
            data=json.dumps(_body(child, today)).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"demo-child-{child[0]}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                accepted += response.status in (200, 201)
        except (urllib.error.URLError, OSError) as problem:
            print(f"note: demo child {child[0]} was not registered: {problem}")
    return accepted
