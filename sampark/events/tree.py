"""Read the electoral tree as plain numbers for the target cascade (one pass, no per-row query)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from sampark.events.targets import Weighted, area_km2
from sampark.geo.enums import Level
from sampark.geo.models import Unit


@lru_cache(maxsize=4096)
def _area(unit_id: int, boundary_len: int, boundary: str) -> float:
    # Keyed by id and length so an imported new boundary is measured anew.
    return round(area_km2(boundary), 1)


@dataclass
class TreeNumbers:
    """Units under a root: electors, areas (ACs and above) and who is whose child."""

    hosts: list[Weighted] = field(default_factory=list)
    children_of: dict[int, list[Weighted]] = field(default_factory=dict)
    # id → (path, name, level), for the state, districts, PCs and ACs.
    meta: dict[int, tuple[str, str, str]] = field(default_factory=dict)
    booth_ids: set[int] = field(default_factory=set)


def ac_areas(*, state: Unit) -> dict[int, float]:
    """Area in km² of every AC of the state with a boundary."""
    rows = Unit.objects.filter(state=state, level=Level.AC).exclude(boundary="")
    return {uid: _area(uid, len(text), text) for uid, text in rows.values_list("id", "boundary")}


def load(*, state: Unit, host_level: str) -> TreeNumbers:
    """The state's tree as numbers, hosts being the units of `host_level` (district, PC, state)."""
    areas = ac_areas(state=state)
    out = TreeNumbers()
    rows: list[tuple[int, int | None, str, int | None, int | None]] = list(
        Unit.objects.filter(state=state).values_list(
            "id", "parent_id", "level", "electors", "pc_id"
        )
    )
    rows.append((state.id, None, str(Level.STATE), state.electors, None))
    above_booth = Unit.objects.filter(state=state, level__in=[Level.DISTRICT, Level.PC, Level.AC])
    out.meta = {
        uid: (path, name, level)
        for uid, path, name, level in above_booth.values_list("id", "path", "name", "level")
    }
    out.meta[state.id] = (state.path, state.name, Level.STATE)
    area_of: dict[int, float] = dict(areas)
    children: dict[int, list[int]] = defaultdict(list)
    level_of: dict[int, str] = {}
    electors_of: dict[int, int] = {}
    for uid, parent_id, level, electors, pc_id in rows:
        level_of[uid] = level
        electors_of[uid] = electors or 0
        if level == Level.BOOTH:
            out.booth_ids.add(uid)
        if level == Level.PC:
            continue
        if level == Level.AC and host_level == Level.PC and pc_id is not None:
            children[pc_id].append(uid)
        elif parent_id is not None:
            children[parent_id].append(uid)
    # Areas above the AC are the sums of their ACs' areas.
    for uid, _parent, level, _electors, pc_id in rows:
        if level == Level.AC and pc_id is not None:
            area_of[pc_id] = area_of.get(pc_id, 0.0) + areas.get(uid, 0.0)
    for district_id in [u for u, lv in level_of.items() if lv == Level.DISTRICT]:
        area_of[district_id] = sum(area_of.get(ac, 0.0) for ac in children[district_id])
    area_of[state.id] = sum(areas.values())

    def weighted(uid: int) -> Weighted:
        return Weighted(uid, electors_of.get(uid, 0), area_of.get(uid))

    if host_level == Level.PC:
        # ACs hang under their PC for this season, so a district's ACs are not its children.
        children.pop(state.id, None)
    out.children_of = {p: [weighted(k) for k in kids] for p, kids in children.items()}
    out.hosts = [weighted(u) for u, lv in level_of.items() if lv == host_level]
    return out


@lru_cache(maxsize=8)
def _region_file(path: str, mtime: float) -> dict[int, str]:
    with Path(path).open(encoding="utf-8") as handle:
        return {
            int(row["ac_no"]): (row.get("sub_region") or "").strip()
            for row in csv.DictReader(handle)
            if (row.get("ac_no") or "").strip().isdigit()
        }


def regions(*, state: Unit) -> dict[int, str]:
    """Region of each district and PC (the region most of its ACs lie in), from the state's
    AC master file (`sub_region`); empty when the file is absent."""
    path = (
        Path(settings.DATA_DIR)
        / f"geo-{state.code.lower()}"
        / f"{state.code.lower()}_ac_master.csv"
    )
    if not path.exists():
        return {}
    by_ac = _region_file(str(path), path.stat().st_mtime)
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    acs = Unit.objects.filter(state=state, level=Level.AC).values_list(
        "number", "district_id", "pc_id"
    )
    for number, district_id, pc_id in acs:
        region = by_ac.get(number or 0, "")
        for host in (district_id, pc_id):
            if host and region:
                votes[host][region] += 1
    return {host: c.most_common(1)[0][0] for host, c in votes.items()}
