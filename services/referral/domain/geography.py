"""Districts, their regions and centres: what matching needs to say "same region" or "≈12 km"."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

EARTH_RADIUS_KM = 6371.0088

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CENTRES_CSV = DATA_DIR / "district_centres.csv"


@dataclass(frozen=True)
class Place:
    """A district (or city, or Dushanbe city district) as matching sees it."""

    code: str
    region_code: str
    name_en: str
    region_en: str = ""


@dataclass(frozen=True)
class Geography:
    """Districts by code and the approximate coordinates of their administrative centres."""

    places: Mapping[str, Place]
    centres: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    def region_of(self, district_code: str) -> str | None:
        """Return the region code of a district, or None when the district is unknown."""
        place = self.places.get(district_code)
        return place.region_code if place else None

    def name_of(self, district_code: str) -> str:
        """Return a district's English name, falling back to its code."""
        place = self.places.get(district_code)
        return place.name_en if place else district_code

    def region_name_of(self, district_code: str) -> str:
        """Return the English name of a district's region, falling back to its code."""
        place = self.places.get(district_code)
        if place is None:
            return ""
        return place.region_en or place.region_code

    def centre_of(self, district_code: str) -> tuple[float, float] | None:
        """Return (latitude, longitude) of a district's centre when known."""
        return self.centres.get(district_code)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance in kilometres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _data_lines(path: Path) -> Iterable[str]:
    # The data files open with `#` comments that say where the figures come from.
    with path.open(encoding="utf-8", newline="") as handle:
        yield from (line for line in handle if not line.lstrip().startswith("#"))


def load_centres(path: Path = CENTRES_CSV) -> dict[str, tuple[float, float]]:
    """Read district centres (code, latitude, longitude) from a CSV file."""
    return {
        row["code"]: (float(row["latitude"]), float(row["longitude"]))
        for row in csv.DictReader(_data_lines(path))
    }
