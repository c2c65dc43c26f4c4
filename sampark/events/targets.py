"""The target cascade: a target per host unit inside a band, split down the tree by weight.

Pure functions over plain numbers (no ORM), so the whole state is one pass in memory.

A host unit's target (a district for a district workshop) is placed inside the band by its
score, the weighted position of its electorate and its area between the smallest and the
largest host unit:

    score  = w × (electors − min) / (max − min) + (1 − w) × (area − min) / (max − min)
    target = band_min + (band_max − band_min) × score          (rounded to a whole worker)

Below it, a parent's target is shared among its children by the same weights, as shares:

    share  = w × electors / Σ electors + (1 − w) × area / Σ area

(units below the AC have no boundary, so they count as equal in area), rounded by the largest
remainder so the children always add up to the parent. A child an in-charge pinned keeps its
number; its siblings share what is left.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

EARTH_RADIUS_KM = 6378.137


def _ring_area_km2(ring: Sequence[Sequence[float]]) -> float:
    """Area of a lon/lat ring on the sphere (Chamberlain & Duquette 2007, as in d3 and turf)."""
    total = 0.0
    n = len(ring)
    if n < 3:
        return 0.0
    for i in range(n):
        lon1, lat1 = ring[i][0], ring[i][1]
        lon2, lat2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        total += math.radians(lon2 - lon1) * (
            2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2))
        )
    return abs(total) * EARTH_RADIUS_KM * EARTH_RADIUS_KM / 2


def _polygon_area_km2(rings: Sequence[Sequence[Sequence[float]]]) -> float:
    if not rings:
        return 0.0
    return max(0.0, _ring_area_km2(rings[0]) - sum(_ring_area_km2(r) for r in rings[1:]))


def area_km2(boundary: str) -> float:
    """Area in km² of a GeoJSON Polygon/MultiPolygon geometry (or Feature) text; 0 if none."""
    if not boundary:
        return 0.0
    try:
        geometry = json.loads(boundary)
    except ValueError:
        return 0.0
    if not isinstance(geometry, dict):
        return 0.0
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry") or {}
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return _polygon_area_km2(coords)
    if kind == "MultiPolygon":
        return sum(_polygon_area_km2(polygon) for polygon in coords)
    return 0.0


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    electors_weight: float = 0.7

    def formula(self) -> str:
        w = round(self.electors_weight, 2)
        return (
            f"{self.low} + {self.high - self.low} × ({w} × (electors − min) / (max − min)"
            f" + {round(1 - w, 2)} × (area − min) / (max − min))"
        )


@dataclass(frozen=True)
class Weighted:
    """A unit's inputs: its electorate and its area (None when it has no boundary)."""

    unit_id: int
    electors: int
    area_km2: float | None


def _norm(value: float, low: float, high: float) -> float:
    return (value - low) / (high - low) if high > low else 0.5


def band_targets(hosts: Sequence[Weighted], band: Band) -> dict[int, int]:
    """A target inside the band for every host unit, by its score (see the module docstring)."""
    if not hosts:
        return {}
    electors = [h.electors for h in hosts]
    areas = [h.area_km2 or 0.0 for h in hosts]
    e_lo, e_hi, a_lo, a_hi = min(electors), max(electors), min(areas), max(areas)
    w = band.electors_weight
    out: dict[int, int] = {}
    for host, area in zip(hosts, areas, strict=True):
        score = w * _norm(host.electors, e_lo, e_hi) + (1 - w) * _norm(area, a_lo, a_hi)
        value = band.low + (band.high - band.low) * score
        out[host.unit_id] = min(band.high, max(band.low, math.floor(value + 0.5)))
    return out


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Whole numbers proportional to `weights` that add up to `total` exactly."""
    n = len(weights)
    if n == 0:
        return []
    mass = sum(weights)
    if mass <= 0:
        weights, mass = [1.0] * n, float(n)
    exact = [total * w / mass for w in weights]
    whole = [math.floor(x) for x in exact]
    left = total - sum(whole)
    order = sorted(range(n), key=lambda i: (whole[i] - exact[i], i))
    for i in order[:left]:
        whole[i] += 1
    return whole


def shares(children: Sequence[Weighted], electors_weight: float) -> list[float]:
    """Each child's share of its parent: electorate and area, weighted (see the docstring)."""
    n = len(children)
    e_sum = sum(c.electors for c in children)
    areas = [c.area_km2 for c in children]
    known = all(a is not None for a in areas)
    a_sum = sum(a or 0.0 for a in areas) if known else 0.0
    out = []
    for c in children:
        e_share = c.electors / e_sum if e_sum > 0 else 1 / n
        a_share = (c.area_km2 or 0.0) / a_sum if known and a_sum > 0 else 1 / n
        out.append(electors_weight * e_share + (1 - electors_weight) * a_share)
    return out


def split(
    total: int,
    children: Sequence[Weighted],
    *,
    electors_weight: float,
    pins: Mapping[int, int],
) -> dict[int, int]:
    """Share `total` among `children`: pinned ones keep theirs, the rest share what is left.

    Pins that add up to more than the total are scaled down to fit, so the sum always holds.
    """
    pinned = [c for c in children if c.unit_id in pins]
    free = [c for c in children if c.unit_id not in pins]
    out: dict[int, int] = {}
    pin_sum = sum(pins[c.unit_id] for c in pinned)
    if pin_sum > total or not free:
        values = largest_remainder(total, [float(pins[c.unit_id]) for c in pinned])
        if not free:
            out.update({c.unit_id: v for c, v in zip(pinned, values, strict=True)})
            return out
        out.update({c.unit_id: v for c, v in zip(pinned, values, strict=True)})
        out.update({c.unit_id: 0 for c in free})
        return out
    out.update({c.unit_id: pins[c.unit_id] for c in pinned})
    values = largest_remainder(total - pin_sum, shares(free, electors_weight))
    out.update({c.unit_id: v for c, v in zip(free, values, strict=True)})
    return out


def cascade(
    roots: Mapping[int, int],
    children_of: Mapping[int, Sequence[Weighted]],
    *,
    electors_weight: float,
    pins: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Targets for the roots and everything below them, top down, breadth first."""
    pins = pins or {}
    out = dict(roots)
    queue = list(roots)
    while queue:
        parent = queue.pop()
        kids = children_of.get(parent)
        if not kids:
            continue
        got = split(out[parent], kids, electors_weight=electors_weight, pins=pins)
        out.update(got)
        queue.extend(got)
    return out
