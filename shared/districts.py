"""Districts, cities and Dushanbe city districts of Tajikistan, with their regions."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

REGIONS = {
    "TJ-DU": "Dushanbe",
    "TJ-SU": "Sughd",
    "TJ-KT": "Khatlon",
    "TJ-GB": "Gorno-Badakhshan",
    "TJ-RA": "Districts of Republican Subordination",
}


@dataclass(frozen=True)
class District:
    """One district (or city) with its region and names in three languages."""

    code: str
    region_code: str
    region_en: str
    kind: str
    name_en: str
    name_tg: str
    name_ru: str

    def name(self, language: str) -> str:
        """The district's name in tg, ru or en (English when unknown)."""
        return {"tg": self.name_tg, "ru": self.name_ru}.get(language, self.name_en)


@cache
def _load() -> dict[str, District]:
    text = resources.files("shared").joinpath("data/tj_districts.csv").read_text("utf-8")
    return {row["code"]: District(**row) for row in csv.DictReader(text.splitlines())}


DISTRICTS: dict[str, District] = _load()


def get_district(code: str) -> District | None:
    """The district with this code, or None."""
    return DISTRICTS.get(code)


def region_of(code: str) -> str | None:
    """The ISO 3166-2 region code of a district, or None."""
    district = DISTRICTS.get(code)
    return district.region_code if district else None
