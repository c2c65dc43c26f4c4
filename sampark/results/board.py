"""Strength against results for one unit: its children ranked, its weak-and-close booths.

Reads the booth strength snapshot (`BoothStrength`, see snapshot.py): one GROUP BY for the
children's strength, one for the unit's own, one filtered count and one page of weak-and-close
booths, plus the children's names and their own results. The caller passes a unit it has
scoped (`accounts.selectors.access_unit`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Abs

from sampark.core.db import opaque
from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import ANCESTOR_FIELD
from sampark.results import strength
from sampark.results.models import BoothStrength, Election, Result, UnitStrength
from sampark.results.snapshot import booth_election

WEAK_SHOWN = 100
# Where each level's page drills to (a PC's children are its ACs; an AC shows its booths).
DRILL: dict[str, tuple[str, ...]] = {
    Level.STATE: (Level.DISTRICT, Level.PC, Level.AC),
    Level.DISTRICT: (Level.AC,),
    Level.PC: (Level.AC,),
    Level.AC: (Level.BOOTH,),
    Level.MANDAL: (Level.BOOTH,),
    Level.SECTOR: (Level.BOOTH,),
}


@dataclass
class Place:
    """A child unit (or booth) with its strength and its organisation's result."""

    id: int
    level: str
    name: str
    name_hi: str = ""
    number: int | None = None
    booths: int = 0
    score: float = 0.0
    volunteers: int = 0
    groups: int = 0
    members: int = 0
    kits: int = 0
    total: int = 0
    org_votes: int = 0
    org_margin: int = 0
    winner: str = ""
    has_result: bool = False
    electors: int | None = None
    voters: int | None = None

    @property
    def turnout(self) -> float | None:
        if not self.electors or self.voters is None:
            return None
        return round(100 * self.voters / self.electors, 2)

    # Set by Board.mark(): weak and close by the board's thresholds (the table's badge).
    flagged: bool = False

    @cached_property
    def share(self) -> float | None:
        if not self.has_result or not self.total:
            return None
        return round(100 * self.org_votes / self.total, 2)

    @cached_property
    def margin_pct(self) -> float | None:
        if not self.has_result or not self.total:
            return None
        return round(100 * self.org_margin / self.total, 2)

    def is_close(self, within: float) -> bool:
        margin = self.margin_pct
        return margin is not None and abs(margin) <= within

    def is_weak(self, below: float) -> bool:
        return self.score < below


@dataclass
class Board:
    unit: Unit
    child_level: str
    election: Election | None
    booth_election: Election | None
    elections: list[Election] = field(default_factory=list)
    children: list[Place] = field(default_factory=list)
    weak_close: list[Place] = field(default_factory=list)
    weak_close_total: int = 0
    booths: int = 0
    score: float = 0.0
    close_pct: float = 5.0
    weak_score: float = 40.0
    computed_at: Any = None

    @property
    def org_party(self) -> str:
        found = self.election or self.booth_election
        return found.org_party if found is not None else ""

    def mark(self) -> None:
        """Flag the weak-and-close rows once, so the template compares nothing per row."""
        for place in [*self.children, *self.weak_close]:
            place.flagged = place.is_weak(self.weak_score) and place.is_close(self.close_pct)

    def ranked(self) -> list[Place]:
        """Children weakest first; among equals the closest result first."""
        return sorted(self.children, key=weak_close_order)

    def weak_close_children(self) -> list[Place]:
        return [
            p for p in self.ranked() if p.is_weak(self.weak_score) and p.is_close(self.close_pct)
        ]


def weak_close_order(place: Place) -> tuple[float, float]:
    margin = place.margin_pct
    return (place.score, abs(margin) if margin is not None else 1e9)


def elections_at(*, state: str, level: str) -> list[Election]:
    """The state's elections with results at `level`, newest first (one indexed EXISTS each:
    a handful of elections, never a scan of the results)."""
    found = Election.objects.filter(state_code=state).order_by("-year", "kind")
    return [e for e in found if Result.objects.filter(election=e, level=level).exists()]


def child_level_for(unit: Unit, asked: str | None) -> str:
    allowed = DRILL.get(unit.level, ())
    if asked in allowed:
        return str(asked)
    return allowed[0] if allowed else Level.BOOTH


def snapshot_of(unit: Unit) -> QuerySet[BoothStrength]:
    """The snapshot rows of the unit's booths (by the index of its level's column)."""
    rows = BoothStrength.objects.order_by()
    if unit.level == Level.BOOTH:
        return rows.filter(booth_id=unit.id)
    if unit.level in (Level.DISTRICT, Level.PC, Level.AC):
        return rows.filter(**{f"{unit.level}_id": unit.id})
    if unit.level == Level.STATE:
        # Every row of the state: a plain scan beats 1.4 lakh lookups through the state index.
        return rows.alias(in_state=opaque("state_id")).filter(in_state=unit.id)
    return rows.filter(**{f"booth__{ANCESTOR_FIELD[unit.level]}_id": unit.id})


def weak_close_q() -> Q:
    close = strength.close_pct()
    return Q(score__lt=strength.weak_score(), margin_pct__gte=-close, margin_pct__lte=close)


def stats() -> dict[str, Any]:
    return {
        "booths": Count("booth_id"),
        "score_sum": Sum("score"),
        "volunteers_sum": Sum("volunteers"),
        "groups_sum": Sum("groups"),
        "members_sum": Sum("members"),
        "kits_sum": Sum("kits"),
        "weak_close": Count("booth_id", filter=weak_close_q()),
        "latest": Max("computed_at"),
    }


def build(*, unit: Unit, child_level: str | None = None, election_id: int | None = None) -> Board:
    """The strength-against-results board of `unit` (already scoped by the caller)."""
    state = unit.path.split("/", 1)[0]
    level = child_level_for(unit, child_level)
    at_booth = booth_election(state=state)
    choices = elections_at(state=state, level=level)
    chosen = next((e for e in choices if e.id == election_id), None)
    if chosen is None:
        chosen = at_booth if at_booth in choices else (choices[0] if choices else None)
    board = Board(
        unit=unit,
        child_level=level,
        election=chosen,
        booth_election=at_booth,
        elections=choices,
        close_pct=strength.close_pct(),
        weak_score=strength.weak_score(),
    )
    snap = snapshot_of(unit)
    own = UnitStrength.objects.filter(unit=unit).order_by("-day").first()
    if own is not None and level != Level.BOOTH:
        # The refresh summed the snapshot per unit: read those rows, not 1.4 lakh booths.
        board.booths, board.score = own.booths, round(own.score, 1)
        board.weak_close_total, board.computed_at = own.weak_close, own.computed_at
        board.children = _child_places(unit, level, _day_figures(level, own.day))
    else:
        _from_snapshot(board, snap, level)
    if level != Level.BOOTH and chosen is not None:
        _child_results(board.children, chosen)
    _weakest(board, snap)
    board.mark()
    return board


def _day_figures(level: str, day: Any) -> dict[Any, dict[str, Any]]:
    return {
        s.unit_id: {
            "booths": s.booths,
            "score_sum": s.score * s.booths,
            "volunteers_sum": s.volunteers,
            "groups_sum": s.groups,
            "members_sum": s.members,
            "kits_sum": s.kits,
        }
        for s in UnitStrength.objects.filter(day=day, level=level)
    }


def _from_snapshot(board: Board, snap: QuerySet[BoothStrength], level: str) -> None:
    """Figures of a unit without daily rows (a mandal or sector, or by booth): GROUP BY."""
    unit = board.unit
    column = "booth_id" if level == Level.BOOTH else f"{level}_id"
    figures = {row[column]: row for row in snap.values(column).annotate(**stats())}
    score_sum = 0.0
    for row in figures.values():
        board.booths += row["booths"]
        score_sum += float(row["score_sum"] or 0.0)
        board.weak_close_total += row["weak_close"]
        if row["latest"] is not None:
            board.computed_at = max(filter(None, [board.computed_at, row["latest"]]))
    board.score = round(score_sum / board.booths, 1) if board.booths else 0.0
    if level == Level.BOOTH:
        board.children = booth_places(snap.order_by("booth__number"))
    else:
        board.children = _child_places(unit, level, figures)


def _weakest(board: Board, snap: QuerySet[BoothStrength]) -> None:
    weakest = list(
        snap.filter(weak_close_q())
        .order_by("score", Abs(F("margin_pct")), "booth_id")
        .values_list("booth_id", flat=True)[:WEAK_SHOWN]
    )
    order = {booth_id: i for i, booth_id in enumerate(weakest)}
    board.weak_close = sorted(
        booth_places(BoothStrength.objects.filter(booth_id__in=weakest)),
        key=lambda p: order[p.id],
    )


def booth_places(rows: QuerySet[BoothStrength]) -> list[Place]:
    """Booth rows of the snapshot as places, with the booth's name and number."""
    return [
        Place(
            id=r["booth_id"],
            level=Level.BOOTH,
            name=r["booth__name"],
            name_hi=r["booth__name_hi"],
            number=r["booth__number"],
            booths=1,
            score=round(r["score"], 1),
            volunteers=r["volunteers"],
            groups=r["groups"],
            members=r["members"],
            kits=r["kits"],
            total=r["total"],
            org_votes=r["org_votes"],
            org_margin=r["org_margin"],
            has_result=r["has_result"],
        )
        for r in rows.values(
            "booth_id",
            "booth__name",
            "booth__name_hi",
            "booth__number",
            "score",
            "volunteers",
            "groups",
            "members",
            "kits",
            "total",
            "org_votes",
            "org_margin",
            "has_result",
        )
    ]


def _child_places(unit: Unit, level: str, figures: dict[Any, dict[str, Any]]) -> list[Place]:
    places = []
    for row in geo_selectors.units_at(unit=unit, level=level).values(
        "id", "name", "name_hi", "number"
    ):
        found = figures.get(row["id"], {})
        places.append(
            Place(
                id=row["id"],
                level=level,
                name=row["name"],
                name_hi=row["name_hi"],
                number=row["number"],
                booths=found.get("booths", 0),
                score=round(float(found.get("score_sum") or 0.0) / (found.get("booths") or 1), 1),
                volunteers=found.get("volunteers_sum") or 0,
                groups=found.get("groups_sum") or 0,
                members=found.get("members_sum") or 0,
                kits=found.get("kits_sum") or 0,
            )
        )
    return places


def _child_results(children: list[Place], election: Election) -> None:
    by_id = {p.id: p for p in children}
    rows = Result.objects.filter(election=election, unit_id__in=list(by_id)).values_list(
        "unit_id", "total", "org_votes", "org_margin", "winner", "electors", "voters"
    )
    for unit_id, total, org_votes, org_margin, winner, electors, voters in rows:
        place = by_id[unit_id]
        place.total, place.org_votes, place.org_margin = total, org_votes, org_margin
        place.winner, place.has_result = winner, True
        place.electors, place.voters = electors, voters


def map_features(board: Board, *, url_of: Callable[[int], str]) -> str:
    """GeoJSON text of the board's children that have a boundary, with every indicator the map
    can colour by (the browser classes the values). The stored geometry text is spliced in as
    it is, not parsed and dumped again: 403 AC outlines are most of a megabyte."""
    if board.child_level == Level.BOOTH or not board.children:
        return '{"type":"FeatureCollection","features":[]}'
    by_id = {p.id: p for p in board.children}
    features = []
    for unit_id, boundary in (
        Unit.objects.filter(id__in=list(by_id)).exclude(boundary="").values_list("id", "boundary")
    ):
        if not boundary.lstrip().startswith("{"):
            continue
        p = by_id[unit_id]
        properties = {
            "id": p.id,
            "name": p.name,
            "name_hi": p.name_hi,
            "number": p.number if p.level in (Level.AC, Level.PC) else None,
            "booths": p.booths,
            "score": p.score,
            "share": p.share,
            "margin": p.margin_pct,
            "turnout": p.turnout,
            "volunteers": p.volunteers,
            "winner": p.winner,
            "url": url_of(p.id),
        }
        features.append(
            '{"type":"Feature","geometry":'
            + boundary
            + ',"properties":'
            + json.dumps(properties, ensure_ascii=False, separators=(",", ":"))
            + "}"
        )
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
