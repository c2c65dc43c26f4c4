"""Reading a state's results files (layout in docs/results.md) into tallies per unit number.

A file is named `<st>_<kind><year>_<what>.csv` (`up_ls2014_pc_candidates.csv`); `<what>` says
its shape and level (`WHATS`). Nothing here touches the database: the reader returns tallies
keyed by the numbers the public uses (AC 173, PC 80, AC 173 part 45) and a list of problems
`file:line: reason`; a bad row is reported and skipped, never the whole file.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sampark.results import parties

FILE_RE = re.compile(
    r"^(?P<st>[a-z]{2,3})_(?P<kind>ls|ae)(?P<year>\d{4})_(?P<what>[a-z0-9_]+)\.csv$"
)
# Largest results file read (the UP booth file is 11 MB).
MAX_BYTES = 64 * 1024 * 1024

CANDIDATES, PARTY_VOTES, TURNOUT = "candidates", "party_votes", "turnout"
# `<what>` → (level, shape); level None: the election's own (PC for ls, AC for ae).
WHATS: dict[str, tuple[str | None, str]] = {
    "pc_candidates": ("pc", CANDIDATES),
    "ac_candidates": ("ac", CANDIDATES),
    "results_candidates": (None, CANDIDATES),
    "booth_votes": ("booth", PARTY_VOTES),
    "polling_stations": ("booth", PARTY_VOTES),
    "ac_votes": ("ac", PARTY_VOTES),
    "ac_segment_results": ("ac", PARTY_VOTES),
    "pc_votes": ("pc", PARTY_VOTES),
    "pc_turnout": ("pc", TURNOUT),
    "ac_turnout": ("ac", TURNOUT),
}
VOTE_COLUMNS = ("votes", "total_votes")
ELECTOR_COLUMNS = ("electors_total", "total_electors", "electors")
VOTER_COLUMNS = ("voters_total", "total_voters", "voters")

Key = tuple[int, ...]


@dataclass
class Tally:
    votes: Counter[str] = field(default_factory=Counter)
    electors: int | None = None
    voters: int | None = None
    # (votes, party) of each candidate, when the file names candidates: the winner is a
    # candidate, not a party's sum (two independents are two candidates).
    candidates: list[tuple[int, str]] = field(default_factory=list)
    line: str = ""  # the first `file:line` this unit came from

    def add(self, other: Tally) -> None:
        self.votes.update(other.votes)
        self.electors = _plus(self.electors, other.electors)
        self.voters = _plus(self.voters, other.voters)


def _plus(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else a + b


@dataclass
class ElectionData:
    state: str
    year: int
    kind: str
    # level → unit key → tally
    tallies: dict[str, dict[Key, Tally]] = field(default_factory=dict)
    turnout: dict[str, dict[Key, Tally]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    def level(self, level: str) -> dict[Key, Tally]:
        return self.tallies.setdefault(level, {})


@dataclass
class Reading:
    elections: dict[tuple[str, int, str], ElectionData] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def read_dir(data_dir: Path, *, state: str | None = None) -> Reading:
    """Every results file of `data_dir` (of one state if given), grouped by election."""
    reading = Reading()
    for path in sorted(Path(data_dir).glob("*.csv")):
        match = FILE_RE.match(path.name)
        if match is None or match["what"] not in WHATS:
            continue
        st = match["st"].upper()
        if state and st != state.upper():
            continue
        year, kind = int(match["year"]), match["kind"]
        data = reading.elections.setdefault((st, year, kind), ElectionData(st, year, kind))
        level, shape = WHATS[match["what"]]
        level = level or ("pc" if kind == "ls" else "ac")
        data.sources.append(path.name)
        if path.stat().st_size > MAX_BYTES:
            reading.problems.append(f"{path.name}:0: larger than {MAX_BYTES} bytes, not read")
            continue
        _read_file(path, level=level, shape=shape, data=data, problems=reading.problems)
    return reading


def _read_file(
    path: Path, *, level: str, shape: str, data: ElectionData, problems: list[str]
) -> None:
    key_columns = ("ac_no", "part_no") if level == "booth" else (f"{level}_no",)
    target = data.turnout.setdefault(level, {}) if shape == TURNOUT else data.level(level)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = csv.DictReader(handle)
        missing = [c for c in key_columns if c not in (rows.fieldnames or [])]
        if missing:
            problems.append(f"{path.name}:1: missing column {', '.join(missing)}")
            return
        for line, row in enumerate(rows, start=2):
            where = f"{path.name}:{line}"
            try:
                unit_key = tuple(_count(row.get(c), c) for c in key_columns)
                if any(n == 0 for n in unit_key):
                    raise ValueError(f"{key_columns[-1]} must be 1 or more")
                tally = _row_tally(row, shape=shape)
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
                continue
            found = target.get(unit_key)
            if found is None:
                tally.line = where
                target[unit_key] = tally
            elif shape == CANDIDATES:
                found.votes.update(tally.votes)
                found.candidates.extend(tally.candidates)
            else:
                problems.append(f"{where}: {'/'.join(map(str, unit_key))} repeated, row skipped")


def _row_tally(row: dict[str, str | None], *, shape: str) -> Tally:
    if shape == CANDIDATES:
        party = parties.normalise(row.get("party") or "")
        if not party:
            raise ValueError("party is blank")
        column = next((c for c in VOTE_COLUMNS if row.get(c) not in (None, "")), None)
        if column is None:
            raise ValueError("votes is blank")
        votes = _count(row[column], column)
        return Tally(votes=Counter({party: votes}), candidates=[(votes, party)])
    tally = Tally(
        electors=_optional(row, ELECTOR_COLUMNS),
        voters=_optional(row, VOTER_COLUMNS),
    )
    if shape == PARTY_VOTES:
        for column, raw in row.items():
            if column and column.startswith("votes_") and raw not in (None, ""):
                tally.votes[parties.normalise(column.removeprefix("votes_"))] += _count(raw, column)
    return tally


def _optional(row: dict[str, str | None], columns: tuple[str, ...]) -> int | None:
    for column in columns:
        raw = row.get(column)
        if raw not in (None, ""):
            return _count(raw, column)
    return None


def _count(raw: str | None, column: str) -> int:
    text = (raw or "").strip().replace(",", "")
    try:
        value = float(text) if "." in text else int(text)
    except ValueError:
        raise ValueError(f"{column} {raw!r} is not a whole number") from None
    if value < 0 or value != int(value) or value > 2_000_000_000:
        raise ValueError(f"{column} {raw!r} is not a whole number")
    return int(value)
