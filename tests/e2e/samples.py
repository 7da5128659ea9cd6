"""Request bodies for end-to-end tests, in the contract's shape."""

from __future__ import annotations

from typing import Any


def registration(n: int = 0, **child: Any) -> dict[str, Any]:
    """Return a contract POST /children body; n varies the names, birth date and phone."""
    given = ["Фарзона", "Zarina", "Маҳина", "Dilnoza", "Сафина", "Nigora"][n % 6]
    return {
        "child": {
            "given_name": given, "family_name": "Раҳимова", "patronymic": None, "sex": "female",
            "date_of_birth": f"{2019 + n % 5}-04-{1 + n % 28:02d}", "district_code": "rudaki",
            "jamoat": "Чимтеппа", "village": "Гулистон", **child,
        },
        "guardian": {
            "name": "Гулнора Раҳимова", "relationship": "mother",
            "phone": f"93 {(1234567 + n) % 10**7:07d}", "language": "tg", "sms_consent": True,
        },
        "consent": {"data_sharing": True, "given_by": "mother"},
        "screening": {"concerns": ["walking", "communication"], "urgent": False, "note": "",
                      "source": "phw"},
        "confirmed_new": True,
    }  # fmt: skip
