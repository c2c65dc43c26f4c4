"""Propose a day and a slot for each host unit's event within a season's dates.

Rules, in order: never on a declared holiday (state-wide or of the unit or an ancestor), never
on a day a silence period of one of the unit's constituencies touches, and when the state team
attends, never two events of one region on one day. Bigger targets choose first; a unit that
finds no day with the state team free is placed on its quietest allowed day without it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")
# Two slots a day at the host's venue, in IST.
SLOTS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(10, 30), dt.time(13, 30)),
    (dt.time(14, 30), dt.time(17, 30)),
)


@dataclass(frozen=True)
class Host:
    unit_id: int
    region: str
    target: int
    # Days on which the unit may not hold its event (holidays, silence periods).
    blocked: frozenset[dt.date]


@dataclass(frozen=True)
class Proposal:
    unit_id: int
    day: dt.date | None
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    state_team: bool
    note: str = ""


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def blocked_by_windows(
    windows: Iterable[tuple[dt.datetime, dt.datetime]], days: Sequence[dt.date]
) -> set[dt.date]:
    """Days (IST) that any window [start, end) touches."""
    out: set[dt.date] = set()
    for start, end in windows:
        for day in days:
            day_start = dt.datetime.combine(day, dt.time(0), tzinfo=IST)
            if start < day_start + dt.timedelta(days=1) and end > day_start:
                out.add(day)
    return out


def propose(
    hosts: Sequence[Host], days: Sequence[dt.date], *, state_team: bool
) -> dict[int, Proposal]:
    """A proposal for every host; deterministic for the same input."""
    load: Counter[dt.date] = Counter()
    taken: dict[str, set[dt.date]] = defaultdict(set)
    slot_load: Counter[tuple[dt.date, int]] = Counter()
    out: dict[int, Proposal] = {}
    for host in sorted(hosts, key=lambda h: (-h.target, h.unit_id)):
        allowed = [d for d in days if d not in host.blocked]
        if not allowed:
            out[host.unit_id] = Proposal(host.unit_id, None, None, None, False, "no day free")
            continue
        with_team = [d for d in allowed if not host.region or d not in taken[host.region]]
        team = state_team and bool(with_team)
        pool = with_team if team else allowed
        day = min(pool, key=lambda d: (load[d], d))
        slot = min(range(len(SLOTS)), key=lambda s: (slot_load[(day, s)], s))
        load[day] += 1
        slot_load[(day, slot)] += 1
        if team and host.region:
            taken[host.region].add(day)
        begin, end = SLOTS[slot]
        out[host.unit_id] = Proposal(
            host.unit_id,
            day,
            dt.datetime.combine(day, begin, tzinfo=IST),
            dt.datetime.combine(day, end, tzinfo=IST),
            team,
            "" if team or not state_team else "state team busy in the region every day",
        )
    return out


def team_clashes(proposals: Mapping[int, Proposal], regions: Mapping[int, str]) -> int:
    """Pairs of state-team events of one region on one day (0 when the plan keeps the rule)."""
    seen: Counter[tuple[str, dt.date]] = Counter()
    for p in proposals.values():
        if p.state_team and p.day is not None and regions.get(p.unit_id):
            seen[(regions[p.unit_id], p.day)] += 1
    return sum(n * (n - 1) // 2 for n in seen.values())
