"""The coverage map drawn server-side: the country outline and district dots as SVG geometry."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
WIDTH = 800.0
MARGIN = 10.0


@dataclass(frozen=True)
class Frame:
    """An equirectangular projection fitted to a bounding box, in SVG pixels."""

    west: float
    north: float
    scale: float
    squeeze: float
    height: float

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        """SVG x, y of a latitude and longitude."""
        x = MARGIN + (lon - self.west) * self.squeeze * self.scale
        y = MARGIN + (self.north - lat) * self.scale
        return round(x, 1), round(y, 1)


@cache
def outline() -> list[list[list[float]]]:
    """Tajikistan's rings as [lon, lat] lists (Natural Earth via world-atlas, bundled)."""
    data = json.loads((DATA / "tajikistan.geojson").read_text(encoding="utf-8"))
    rings: list[list[list[float]]] = []
    for feature in data["features"]:
        for polygon in feature["geometry"]["coordinates"]:
            rings.extend(polygon)
    return rings


@cache
def centres() -> dict[str, tuple[float, float]]:
    """Each district's centre as (latitude, longitude), by district code."""
    with (DATA / "district_centres.csv").open(encoding="utf-8") as text:
        rows = list(csv.DictReader(text))
    return {r["code"]: (float(r["latitude"]), float(r["longitude"])) for r in rows}


@cache
def frame() -> Frame:
    """The projection that fits the whole country into the map's width."""
    points = [p for ring in outline() for p in ring]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((north + south) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((east - west) * squeeze)
    return Frame(west, north, scale, squeeze, round((north - south) * scale + 2 * MARGIN, 1))


def country_path() -> str:
    """The SVG path of the country's outline."""
    f = frame()
    parts = []
    for ring in outline():
        xy = [f.point(lat, lon) for lon, lat in ring]
        parts.append("M" + " L".join(f"{x},{y}" for x, y in xy) + " Z")
    return " ".join(parts)


def district_point(code: str) -> tuple[float, float] | None:
    """SVG x, y of a district's centre (None for an unknown code)."""
    where = centres().get(code)
    return frame().point(*where) if where else None


def map_size() -> tuple[float, float]:
    """The map's SVG width and height."""
    return WIDTH, frame().height


def marking(figures: dict) -> str:
    """How a district is drawn: a gap (children wait, no eligible provider with a free place),
    waiting (children wait, places reachable), covered (served, nobody waiting) or quiet."""
    if figures.get("gap"):
        return "gap"
    if figures.get("waiting_for_place") or figures.get("waiting_for_assessment"):
        return "waiting"
    return "covered" if figures.get("providers") else "quiet"
