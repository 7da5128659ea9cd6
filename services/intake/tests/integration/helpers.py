"""A registration body with real-looking Tajik data, and small request helpers."""

import copy

REGISTRATION = {
    "child": {
        "given_name": "Фарзона",
        "family_name": "Раҳимова",
        "patronymic": None,
        "sex": "female",
        "date_of_birth": "2023-04-12",
        "district_code": "rudaki",
        "jamoat": "Чимтеппа",
        "village": "Гулистон",
    },
    "guardian": {
        "name": "Гулнора Раҳимова",
        "relationship": "mother",
        "phone": "93 123 4567",
        "language": "tg",
        "sms_consent": True,
    },
    "consent": {"data_sharing": True, "given_by": "mother"},
    "screening": {
        "concerns": ["walking", "communication"],
        "urgent": False,
        "note": "",
        "source": "phw",
    },
    "confirmed_new": False,
}


def registration(**sections) -> dict:
    """Return the registration body with some sections' fields replaced (None drops a section)."""
    body = copy.deepcopy(REGISTRATION)
    for section, changes in sections.items():
        if changes is None:
            body.pop(section, None)
        elif isinstance(changes, dict):
            body[section].update(changes)
        else:
            body[section] = changes
    return body


def auth(harness, role="phw", districts=("rudaki",), sub=None, provider_id=None) -> dict:
    """Headers of one user (the same sub every time unless told otherwise)."""
    return harness.auth(role, list(districts), provider_id, sub or f"{role}-{'-'.join(districts)}")


def register(harness, body=None, districts=("rudaki",), role="phw", headers=None):
    """POST /children as a worker of the given districts."""
    return harness.client.post(
        "/children",
        json=registration() if body is None else body,
        headers={**auth(harness, role, districts), **(headers or {})},
    )
