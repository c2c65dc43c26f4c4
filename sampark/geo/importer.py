"""Import a state's electoral tree from CSV and GeoJSON files (`sampark geo import`).

The layout is the one of `../shared/data/geo-up/`; every file name starts with the state code in
lower case (`up_`), so any state in the same format loads the same way:

- `<st>_ac_master.csv`: one row per AC (ac_no, ac_name, ac_type, district, pc_no, pc_name,
  pc_type, electors_2014, ...). Districts and PCs come from here.
- `<st>_ls2014_polling_stations.csv`: one row per polling station (ac_no, part_no, part_name,
  electors_total, ...). Booths come from here; mandals and sectors are made by rule.
- `<st>_ac_boundaries.geojson`, `<st>_district_boundaries.geojson`,
  `<st>_pc_boundaries_2019.geojson`: optional boundaries (and the PCs' Hindi names).

The rules (district numbering, mandals and sectors, idempotency, the error report) are written
down in docs/geo-import.md. Everything is written in one transaction with bulk inserts, so the whole
of UP (about 1.55 lakh units) loads in seconds.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q

from sampark.core import audit
from sampark.geo.enums import Level, Reservation
from sampark.geo.models import Unit
from sampark.geo.services import child_fields, unit_code

logger = logging.getLogger(__name__)

# Levels in the order they are written (parents before children).
LEVELS: tuple[str, ...] = (
    Level.STATE,
    Level.DISTRICT,
    Level.PC,
    Level.AC,
    Level.MANDAL,
    Level.SECTOR,
    Level.BOOTH,
)
CREATE_BATCH = 2000
UPDATE_BATCH = 500
NAME_MAX = 200  # Unit.name / Unit.name_hi max_length

# Display names of states whose code alone is not a name (used when --name is not given).
STATE_NAMES: dict[str, tuple[str, str]] = {"UP": ("Uttar Pradesh", "उत्तर प्रदेश")}

# Names a district boundary file may still use for a district that was renamed, or the old
# name of the district a new one was carved out under (UP, 2003-2012). Keys and values are
# match keys (lower-case letters only).
DISTRICT_ALIASES: dict[str, str] = {
    "mahamayanagar": "hathras",
    "lakhimpurkheri": "kheri",
    "santravidasnagar": "bhadohi",
    "jyotibaphulenagar": "amroha",
    "kanshiramnagar": "kasganj",
    "panchsheelnagar": "hapur",
    "prabuddhanagar": "shamli",
    "bhimnagar": "sambhal",
    "chhatrapatishahujimaharajnagar": "amethi",
    "ramabainagar": "kanpurdehat",
}

AC_MASTER_COLUMNS = ("ac_no", "ac_name", "district")
BOOTH_COLUMNS = ("ac_no", "part_no", "part_name")


@dataclass(frozen=True)
class RowError:
    """One problem in an input file. `line` counts the header as line 1; None for a whole file
    or a GeoJSON feature (the reason then names the feature)."""

    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.reason}"
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did. `errors` are rows that were skipped; `warnings` are kept rows or
    features with something odd about them, and boundary features that match no unit."""

    state: str
    data_dir: Path
    in_files: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def imported(self) -> bool:
        """Whether anything could be imported (at least one AC was accepted)."""
        return self.in_files[Level.AC] > 0

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    @property
    def total_updated(self) -> int:
        return sum(self.updated.values())

    def error(self, file: str, line: int | None, reason: str) -> None:
        self.errors.append(RowError(file, line, reason))

    def warn(self, file: str, line: int | None, reason: str) -> None:
        self.warnings.append(RowError(file, line, reason))

    def sort(self) -> None:
        """Problems grouped by file (in the order files were read), then by line."""
        for problems in (self.errors, self.warnings):
            order: dict[str, int] = {}
            for problem in problems:
                order.setdefault(problem.file, len(order))
            problems.sort(
                key=lambda p: (order[p.file], p.line if p.line is not None else float("inf"))
            )


def import_state(
    *, state: str, data_dir: Path, name: str | None = None, name_hi: str | None = None
) -> ImportReport:
    """Create or update a state's tree from `data_dir`; idempotent, units keep their ids."""
    started = time.perf_counter()
    code = state.strip().upper()
    report = ImportReport(state=code, data_dir=Path(data_dir))
    if not re.fullmatch(r"[A-Z]{2,3}", code):
        report.error(str(data_dir), None, f"state code {state!r} must be 2 or 3 letters")
        return report
    if not Path(data_dir).is_dir():
        report.error(str(data_dir), None, "data folder not found")
        return report
    plan = _Planner(code=code, data_dir=Path(data_dir), report=report).plan(
        name=name, name_hi=name_hi
    )
    if plan is not None:
        with transaction.atomic():
            _Writer(report=report).write(plan)
            audit.record(
                verb="geo.imported",
                object_type="unit",
                object_id=plan.root_id,
                actor=None,
                unit_path=code,
                data={
                    "data_dir": str(data_dir),
                    "created": report.total_created,
                    "updated": report.total_updated,
                    "errors": len(report.errors),
                    "warnings": len(report.warnings),
                },
            )
    report.sort()
    report.seconds = time.perf_counter() - started
    logger.info(
        "geo import %s: %s created, %s updated, %s errors, %s warnings in %.1f s",
        code,
        report.total_created,
        report.total_updated,
        len(report.errors),
        len(report.warnings),
        report.seconds,
    )
    return report


# --- names ------------------------------------------------------------------------------------


def readable(name: str) -> str:
    """Collapse whitespace; title-case a name written all in upper (or lower) case."""
    name = " ".join(name.split())
    if name.isupper() or name.islower():
        return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name.lower())
    return name


def match_key(name: str) -> str:
    """Lower-case letters only: 'Kushi Nagar' and 'KUSHINAGAR' both give 'kushinagar'."""
    return re.sub(r"[^a-z]", "", name.casefold())


def _skeleton(key: str) -> str:
    """Consonants only, doubles collapsed, for spellings that differ in vowels or doubled
    letters (Badaun/Budaun, Bulandshahr/Bulandshahar, Arrah/Arah)."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiou]", "", key))


def sector_names(number: int, first_part: int, last_part: int) -> tuple[str, str]:
    """English and Hindi name of a generated sector, with the part numbers it covers."""
    if first_part == last_part:
        return f"Sector {number} (part {first_part})", f"सेक्टर {number} (भाग {first_part})"
    return (
        f"Sector {number} (parts {first_part}–{last_part})",
        f"सेक्टर {number} (भाग {first_part}–{last_part})",
    )


def mandal_names(number: int) -> tuple[str, str]:
    """English and Hindi name of a generated mandal."""
    return f"Mandal {number}", f"मंडल {number}"


# --- reading ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def _read_csv(path: Path, *, required: Iterable[str], report: ImportReport) -> list[_Row] | None:
    """Rows of a CSV file with their line numbers (header = line 1); None if it is unusable."""
    file = path.name
    if not path.is_file():
        report.error(file, None, "file not found")
        return None
    rows: list[_Row] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            report.error(file, None, "file is empty")
            return None
        except (csv.Error, UnicodeDecodeError) as exc:
            report.error(file, 1, f"unreadable header ({exc})")
            return None
        columns = [h.strip().lower() for h in header]
        missing = [c for c in required if c not in columns]
        if missing:
            report.error(file, 1, f"missing column(s): {', '.join(missing)}")
            return None
        line = 2
        try:
            for values in reader:
                if any(v.strip() for v in values):
                    if len(values) > len(columns):
                        report.error(
                            file,
                            line,
                            f"{len(values)} fields where the header has {len(columns)} "
                            "(an unquoted comma?)",
                        )
                    else:
                        rows.append(_Row(line, dict(zip(columns, values, strict=False))))
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            report.error(file, line, f"unreadable from here on ({exc})")
    return rows


def _read_features(path: Path, *, report: ImportReport) -> list[tuple[int, dict[str, Any], str]]:
    """(feature number from 1, lower-cased properties, geometry as compact JSON) of a GeoJSON
    FeatureCollection; a missing or broken file is a warning (boundaries are optional)."""
    file = path.name
    if not path.is_file():
        report.warn(file, None, "file not found; boundaries not loaded")
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data["features"]
        assert isinstance(features, list)
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        report.warn(file, None, f"not a GeoJSON FeatureCollection ({exc}); boundaries not loaded")
        return []
    out: list[tuple[int, dict[str, Any], str]] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            report.warn(file, None, f"feature {number} is not an object")
            continue
        props = {str(k).lower(): v for k, v in (feature.get("properties") or {}).items()}
        geometry = feature.get("geometry")
        text = (
            json.dumps(geometry, separators=(",", ":"), ensure_ascii=False)
            if isinstance(geometry, dict)
            else ""
        )
        out.append((number, props, text))
    return out


def _whole(value: Any) -> int | None:
    """A non-negative whole number from a CSV cell or a GeoJSON property, else None."""
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() else None


def _number_problem(column: str, raw: str) -> str:
    if not raw:
        return f"{column} is missing"
    if _whole(raw) == 0:
        return f"{column} must not be 0"
    return f"{column} {raw!r} is not a number"


def _clip(name: str, *, report: ImportReport, file: str, line: int | None) -> str:
    if len(name) > NAME_MAX:
        report.warn(file, line, f"name longer than {NAME_MAX} characters; cut short")
        return name[:NAME_MAX]
    return name


def _total(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


# --- planning: files -> the tree we want (no database writes) --------------------------------


@dataclass(slots=True)
class _Node:
    level: str
    code: str
    number: int | None
    name: str
    name_hi: str | None = None  # None: keep what the database has
    reservation: str = ""
    electors: int | None = None
    boundary: str | None = None  # None: keep what the database has
    pc_number: int | None = None  # ACs: their PC
    children: list[_Node] = field(default_factory=list)


@dataclass
class _Plan:
    root: _Node
    districts: list[_Node]
    pcs: list[_Node]
    root_id: int | None = None


@dataclass(slots=True)
class _Ac:
    line: int
    number: int
    name: str
    reservation: str
    district: str
    pc_number: int | None
    pc_name: str
    pc_reservation: str
    electors: int | None


@dataclass(slots=True)
class _Booth:
    line: int
    part: int
    name: str
    electors: int | None


def _reservation(value: str) -> str | None:
    value = value.strip().upper()
    if value == "":
        return Reservation.GEN
    return value if value in Reservation.values else None


class _Planner:
    def __init__(self, *, code: str, data_dir: Path, report: ImportReport) -> None:
        self.code = code
        self.prefix = code.lower()
        self.data_dir = data_dir
        self.report = report

    def path(self, suffix: str) -> Path:
        return self.data_dir / f"{self.prefix}_{suffix}"

    def plan(self, *, name: str | None, name_hi: str | None) -> _Plan | None:
        acs, rejected = self.read_acs()
        if not acs:
            return None
        booths = self.read_booths(acs, rejected)
        districts = self.plan_districts(acs, booths)
        pcs = self.plan_pcs(acs)
        self.attach_ac_boundaries(districts)
        self.attach_district_boundaries(districts)
        root = self.plan_state(name=name, name_hi=name_hi)
        root.electors = _total(d.electors for d in districts)
        root.children = districts
        self.count(root, pcs)
        return _Plan(root=root, districts=districts, pcs=pcs)

    def count(self, root: _Node, pcs: list[_Node]) -> None:
        seen = self.report.in_files
        seen[Level.STATE] = 1
        seen[Level.PC] = len(pcs)
        stack = list(root.children)
        while stack:
            node = stack.pop()
            seen[node.level] += 1
            stack.extend(node.children)

    def plan_state(self, *, name: str | None, name_hi: str | None) -> _Node:
        existing = Unit.objects.filter(path=self.code).values("name", "name_hi").first()
        default_name, default_hi = STATE_NAMES.get(self.code, (self.code, ""))
        if not name:
            name = existing["name"] if existing else default_name
        if name_hi is None and not (existing and existing["name_hi"]):
            name_hi = default_hi or None
        return _Node(Level.STATE, self.code, None, name, name_hi=name_hi)

    # ac_master.csv

    def read_acs(self) -> tuple[dict[int, _Ac], dict[int, int]]:
        """Accepted ACs by number, and the line of each AC number whose row was rejected."""
        path = self.path("ac_master.csv")
        file, report = path.name, self.report
        rows = _read_csv(path, required=AC_MASTER_COLUMNS, report=report)
        acs: dict[int, _Ac] = {}
        rejected: dict[int, int] = {}
        for row in rows or []:
            raw = row.get("ac_no")
            number = _whole(raw)
            if number is None or number == 0:
                report.error(file, row.line, _number_problem("ac_no", raw))
                continue
            if number in acs:
                first = acs[number].line
                report.error(file, row.line, f"duplicate AC {number} (first on line {first})")
                continue
            ac_name = readable(row.get("ac_name"))
            district = readable(row.get("district"))
            if not ac_name or not district:
                problem = "ac_name is empty" if not ac_name else "district is missing"
                report.error(file, row.line, problem)
                rejected.setdefault(number, row.line)
                continue
            reservation = _reservation(row.get("ac_type"))
            if reservation is None:
                report.warn(file, row.line, f"ac_type {row.get('ac_type')!r} is not GEN, SC or ST")
                reservation = ""
            raw_pc = row.get("pc_no")
            pc_number = _whole(raw_pc) or None
            if pc_number is None:
                why = _number_problem("pc_no", raw_pc)
                report.warn(file, row.line, f"{why}; AC {number} kept without a Lok Sabha seat")
            raw_electors = row.get("electors_2014")
            electors = _whole(raw_electors)
            if raw_electors and electors is None:
                report.warn(file, row.line, f"electors_2014 {raw_electors!r} is not a number")
            acs[number] = _Ac(
                line=row.line,
                number=number,
                name=_clip(ac_name, report=report, file=file, line=row.line),
                reservation=reservation,
                district=_clip(district, report=report, file=file, line=row.line),
                pc_number=pc_number,
                pc_name=readable(row.get("pc_name")),
                pc_reservation=_reservation(row.get("pc_type")) or "",
                electors=electors,
            )
            rejected.pop(number, None)
        if rows is not None and not acs:
            report.error(file, None, "no usable AC rows; nothing imported")
        return acs, rejected

    # polling_stations.csv

    def read_booths(self, acs: dict[int, _Ac], rejected: dict[int, int]) -> dict[int, list[_Booth]]:
        """Accepted booths per AC number, sorted by part number."""
        path = self.path("ls2014_polling_stations.csv")
        file, report = path.name, self.report
        master = self.path("ac_master.csv").name
        rows = _read_csv(path, required=BOOTH_COLUMNS, report=report)
        booths: dict[int, list[_Booth]] = defaultdict(list)
        first_line: dict[tuple[int, int], int] = {}
        for row in rows or []:
            raw_ac, raw_part = row.get("ac_no"), row.get("part_no")
            ac_no, part = _whole(raw_ac), _whole(raw_part)
            if ac_no is None or ac_no == 0:
                report.error(file, row.line, _number_problem("ac_no", raw_ac))
                continue
            if part is None or part == 0:
                report.error(file, row.line, _number_problem("part_no", raw_part))
                continue
            ac = acs.get(ac_no)
            if ac is None:
                if ac_no in rejected:
                    why = f"AC {ac_no} was rejected in {master} (line {rejected[ac_no]})"
                else:
                    why = f"AC {ac_no} is not in {master}"
                report.error(file, row.line, why)
                continue
            part_name = " ".join(row.get("part_name").split())
            if not part_name:
                report.error(file, row.line, "part_name is empty")
                continue
            key = (ac_no, part)
            if key in first_line:
                report.error(
                    file,
                    row.line,
                    f"duplicate part {part} of AC {ac_no} (first on line {first_line[key]})",
                )
                continue
            first_line[key] = row.line
            raw_electors = row.get("electors_total")
            electors = _whole(raw_electors)
            if raw_electors and electors is None:
                report.warn(file, row.line, f"electors_total {raw_electors!r} is not a number")
            pc_no = _whole(row.get("pc_no"))
            if pc_no is not None and ac.pc_number is not None and pc_no != ac.pc_number:
                report.warn(
                    file,
                    row.line,
                    f"pc_no {pc_no} differs from PC {ac.pc_number} of AC {ac_no} in {master}",
                )
            booths[ac_no].append(
                _Booth(
                    line=row.line,
                    part=part,
                    name=_clip(part_name, report=report, file=file, line=row.line),
                    electors=electors,
                )
            )
        for ac_no, ac in sorted(acs.items()):
            if rows is not None and ac_no not in booths:
                report.warn(master, ac.line, f"AC {ac_no} has no polling stations in {file}")
        for parts in booths.values():
            parts.sort(key=lambda b: b.part)
        return booths

    # tree by rule

    def plan_districts(self, acs: dict[int, _Ac], booths: dict[int, list[_Booth]]) -> list[_Node]:
        """Districts numbered by the lowest AC number they hold, each with its ACs below."""
        grouped: dict[str, list[_Ac]] = defaultdict(list)
        names: dict[str, str] = {}
        for ac in sorted(acs.values(), key=lambda a: a.number):
            key = ac.district.casefold()
            grouped[key].append(ac)
            names.setdefault(key, ac.district)
        districts: list[_Node] = []
        for number, key in enumerate(sorted(grouped, key=lambda k: grouped[k][0].number), 1):
            district = _Node(Level.DISTRICT, unit_code(Level.DISTRICT, number), number, names[key])
            for ac in grouped[key]:
                district.children.append(self.plan_ac(ac, booths.get(ac.number, [])))
            district.electors = _total(a.electors for a in district.children)
            districts.append(district)
        return districts

    def plan_ac(self, ac: _Ac, booths: list[_Booth]) -> _Node:
        node = _Node(
            Level.AC,
            unit_code(Level.AC, ac.number),
            ac.number,
            ac.name,
            reservation=ac.reservation,
            pc_number=ac.pc_number,
        )
        per_sector = max(1, int(settings.SECTOR_BOOTHS))
        per_mandal = max(1, int(settings.MANDAL_SECTORS))
        mandal: _Node | None = None
        for s, start in enumerate(range(0, len(booths), per_sector)):
            run = booths[start : start + per_sector]
            if s % per_mandal == 0:
                m = s // per_mandal + 1
                en, hi = mandal_names(m)
                mandal = _Node(Level.MANDAL, unit_code(Level.MANDAL, m), m, en, name_hi=hi)
                node.children.append(mandal)
            assert mandal is not None
            en, hi = sector_names(s + 1, run[0].part, run[-1].part)
            sector = _Node(Level.SECTOR, unit_code(Level.SECTOR, s + 1), s + 1, en, name_hi=hi)
            sector.children = [
                _Node(
                    Level.BOOTH, unit_code(Level.BOOTH, b.part), b.part, b.name, electors=b.electors
                )
                for b in run
            ]
            sector.electors = _total(b.electors for b in sector.children)
            mandal.children.append(sector)
        for mandal_node in node.children:
            mandal_node.electors = _total(s.electors for s in mandal_node.children)
        node.electors = (
            ac.electors if ac.electors is not None else _total(m.electors for m in node.children)
        )
        return node

    def plan_pcs(self, acs: dict[int, _Ac]) -> list[_Node]:
        """PCs named from ac_master (Hindi names and boundaries from the PC GeoJSON)."""
        master = self.path("ac_master.csv").name
        pcs: dict[int, _Node] = {}
        for ac in sorted(acs.values(), key=lambda a: a.number):
            if ac.pc_number is None:
                continue
            pc = pcs.get(ac.pc_number)
            if pc is None:
                pcs[ac.pc_number] = _Node(
                    Level.PC,
                    unit_code(Level.PC, ac.pc_number),
                    ac.pc_number,
                    ac.pc_name,
                    reservation=ac.pc_reservation,
                    electors=ac.electors,
                )
                continue
            if ac.pc_name and pc.name and ac.pc_name != pc.name:
                self.report.warn(
                    master,
                    ac.line,
                    f"pc_name {ac.pc_name!r} differs from {pc.name!r} given earlier for "
                    f"PC {ac.pc_number}; kept the first",
                )
            pc.name = pc.name or ac.pc_name
            pc.electors = _total([pc.electors, ac.electors])
        path = self.path("pc_boundaries_2019.geojson")
        matched: set[int] = set()
        for number, props, geometry in _read_features(path, report=self.report):
            pc_no = _whole(props.get("pc_no"))
            node = pcs.get(pc_no) if pc_no is not None else None
            if node is None or pc_no is None:
                self.report.warn(
                    path.name, None, f"feature {number}: pc_no {props.get('pc_no')!r} matches no PC"
                )
                continue
            if pc_no in matched:
                self.report.warn(path.name, None, f"feature {number}: PC {pc_no} again; ignored")
                continue
            matched.add(pc_no)
            if not node.name:
                node.name = readable(str(props.get("pc_name") or ""))
            hindi = " ".join(str(props.get("pc_name_hi") or "").split())
            if hindi:
                node.name_hi = hindi[:NAME_MAX]
            if geometry:
                node.boundary = geometry
        for pc_no, node in pcs.items():
            node.name = node.name or f"PC {pc_no}"
        return [pcs[n] for n in sorted(pcs)]

    def attach_ac_boundaries(self, districts: list[_Node]) -> None:
        path = self.path("ac_boundaries.geojson")
        by_number = {ac.number: ac for d in districts for ac in d.children}
        matched: set[int] = set()
        for number, props, geometry in _read_features(path, report=self.report):
            ac_no = _whole(props.get("ac_no"))
            node = by_number.get(ac_no) if ac_no is not None else None
            if node is None or ac_no is None:
                self.report.warn(
                    path.name, None, f"feature {number}: AC_NO {props.get('ac_no')!r} matches no AC"
                )
                continue
            if ac_no in matched:
                self.report.warn(path.name, None, f"feature {number}: AC {ac_no} again; ignored")
                continue
            matched.add(ac_no)
            if geometry:
                node.boundary = geometry

    def attach_district_boundaries(self, districts: list[_Node]) -> None:
        path = self.path("district_boundaries.geojson")
        find = _district_finder(districts)
        matched: set[int] = set()
        for number, props, geometry in _read_features(path, report=self.report):
            label = str(props.get("district") or "")
            node = find(label)
            if node is None:
                self.report.warn(
                    path.name, None, f"feature {number}: district {label!r} matches no district"
                )
                continue
            if id(node) in matched:
                self.report.warn(
                    path.name, None, f"feature {number}: district {node.name} again; ignored"
                )
                continue
            matched.add(id(node))
            if geometry:
                node.boundary = geometry


def _district_finder(districts: list[_Node]) -> Callable[[str], _Node | None]:
    """Match a boundary file's district name to a district: same letters, a name in brackets
    ('Sant Ravi Das Nagar(bhadohi)'), a former name, or the same consonants when unique."""
    by_key = {match_key(d.name): d for d in districts}
    skeletons: dict[str, list[_Node]] = defaultdict(list)
    for key, node in by_key.items():
        skeletons[_skeleton(key)].append(node)

    def find(label: str) -> _Node | None:
        candidates = [match_key(label)]
        candidates += [match_key(inner) for inner in re.findall(r"\(([^)]*)\)", label)]
        candidates.append(match_key(re.sub(r"\([^)]*\)", "", label)))
        for key in candidates:
            node = by_key.get(key) or by_key.get(DISTRICT_ALIASES.get(key, ""))
            if node is not None:
                return node
        for key in candidates:
            same = skeletons.get(_skeleton(key), [])
            if key and len(same) == 1:
                return same[0]
        return None

    return find


# --- writing: the tree we want -> the database -----------------------------------------------


_Key = tuple[str, int, int]
_FIELDS = [f for f in Unit._meta.concrete_fields if not f.primary_key]
_ATTNAMES = [f.attname for f in _FIELDS]
_DEFAULTS = {f.attname: f.get_default() for f in _FIELDS}


class _Writer:
    """Creates missing units and updates changed ones, level by level, in bulk.

    Existing units are found by a natural key that does not depend on the parent: the state by
    its code, districts/PCs/ACs by number, mandals/sectors/booths by (AC number, number); then by
    path. So a unit keeps its id even when a re-import moves it (a booth to another sector).

    Units that have children are inserted with bulk_create, which returns their ids for the
    children's ancestor columns. Booths are leaves: nothing needs their ids, so they go in with
    one prepared INSERT run over all rows (executemany), several times faster than bulk_create.
    """

    def __init__(self, *, report: ImportReport) -> None:
        self.report = report
        self.by_key: dict[_Key, dict[str, Any]] = {}
        self.by_path: dict[str, dict[str, Any]] = {}
        self.seen: set[int] = set()
        self.pending: list[Unit] = []
        self.pending_leaves: list[dict[str, Any]] = []
        self.changed: dict[str, list[Unit]] = defaultdict(list)
        self.changed_fields: dict[str, set[str]] = defaultdict(set)

    def write(self, plan: _Plan) -> None:
        existing = self.load(plan.root.code)
        state = self.put(plan.root, parent=None, ac_number=0)
        self.flush()
        plan.root_id = state.id
        pcs = {node.number: self.put(node, parent=state, ac_number=0) for node in plan.pcs}
        districts = [(node, self.put(node, parent=state, ac_number=0)) for node in plan.districts]
        self.flush()
        acs = [
            (
                node,
                self.put(
                    node,
                    parent=district,
                    ac_number=0,
                    pc_id=pcs[node.pc_number].id if node.pc_number in pcs else None,
                ),
            )
            for district_node, district in districts
            for node in district_node.children
        ]
        self.flush()
        level: list[tuple[_Node, Unit, int]] = [(n, u, n.number or 0) for n, u in acs]
        while level:
            below: list[tuple[_Node, Unit, int]] = []
            for node, unit, ac_number in level:
                for child in node.children:
                    if child.level != Level.BOOTH:
                        below.append(
                            (child, self.put(child, parent=unit, ac_number=ac_number), ac_number)
                        )
                    else:
                        self.put_leaf(child, parent=unit, ac_number=ac_number)
            self.flush()
            level = below
        for name in LEVELS:
            units = self.changed.get(name, [])
            if units:
                Unit.objects.bulk_update(
                    units, sorted(self.changed_fields[name]), batch_size=UPDATE_BATCH
                )
                self.report.updated[name] = len(units)
        self.report_left_over(existing, plan.root.code)

    def load(self, code: str) -> list[dict[str, Any]]:
        rows = list(
            Unit.objects.filter(Q(path=code) | Q(path__startswith=f"{code}/")).values(
                "id", *_ATTNAMES
            )
        )
        ac_numbers = {r["id"]: r["number"] or 0 for r in rows if r["level"] == Level.AC}
        for row in rows:
            self.by_path[row["path"]] = row
            level, number = row["level"], row["number"]
            if level == Level.STATE:
                key: _Key | None = (Level.STATE, 0, 0)
            elif number is None:
                key = None
            elif level in (Level.DISTRICT, Level.PC, Level.AC):
                key = (level, 0, number)
            elif row["ac_id"] in ac_numbers:
                key = (level, ac_numbers[row["ac_id"]], number)
            else:
                key = None
            if key is not None:
                self.by_key.setdefault(key, row)
        return rows

    def fields(
        self, node: _Node, *, parent: Unit | None, pc_id: int | None = None
    ) -> dict[str, Any]:
        """Column values the unit should have (attnames; parent as parent_id)."""
        fields = child_fields(parent=parent, level=node.level, code=node.code, pc_id=pc_id)
        del fields["parent"]
        fields["parent_id"] = parent.id if parent is not None else None
        fields.update(
            number=node.number, name=node.name, reservation=node.reservation, electors=node.electors
        )
        if node.name_hi is not None:
            fields["name_hi"] = node.name_hi
        if node.boundary is not None:
            fields["boundary"] = node.boundary
        return fields

    def find(self, node: _Node, *, ac_number: int, path: str) -> dict[str, Any] | None:
        row = self.by_key.get((node.level, ac_number, node.number or 0))
        if row is None or row["id"] in self.seen:
            row = self.by_path.get(path)
        if row is None or row["id"] in self.seen:
            return None
        self.seen.add(row["id"])
        return row

    def update(self, level: str, row: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        """Merge `fields` into the existing `row`; queue an update if anything changed."""
        changed = [name for name, value in fields.items() if row[name] != value]
        if changed:
            row = {**row, **fields}
            self.changed[level].append(Unit(**row))
            self.changed_fields[level].update(name.removesuffix("_id") for name in changed)
        return row

    def put(
        self, node: _Node, *, parent: Unit | None, ac_number: int, pc_id: int | None = None
    ) -> Unit:
        """The unit for `node` (existing, updated in memory, or new and pending)."""
        fields = self.fields(node, parent=parent, pc_id=pc_id)
        row = self.find(node, ac_number=ac_number, path=fields["path"])
        if row is None:
            unit = Unit(**fields)
            self.pending.append(unit)
            return unit
        return Unit(**self.update(node.level, row, fields))

    def put_leaf(self, node: _Node, *, parent: Unit, ac_number: int) -> None:
        fields = self.fields(node, parent=parent)
        row = self.find(node, ac_number=ac_number, path=fields["path"])
        if row is None:
            self.pending_leaves.append(fields)
        else:
            self.update(node.level, row, fields)

    def flush(self) -> None:
        if self.pending:
            Unit.objects.bulk_create(self.pending, batch_size=CREATE_BATCH)
            for unit in self.pending:
                self.report.created[unit.level] += 1
                self.seen.add(unit.id)
            self.pending = []
        if self.pending_leaves:
            self.insert_leaves(self.pending_leaves)
            for fields in self.pending_leaves:
                self.report.created[fields["level"]] += 1
            self.pending_leaves = []

    @staticmethod
    def insert_leaves(rows: list[dict[str, Any]]) -> None:
        """Insert booth rows whose ids nobody needs, the fastest way each database offers.

        The values are plain ints, strings and None, which both drivers take as they are.
        """
        values = [[row.get(name, _DEFAULTS[name]) for name in _ATTNAMES] for row in rows]
        quote = connection.ops.quote_name
        table = quote(Unit._meta.db_table)
        columns = ", ".join(quote(f.column) for f in _FIELDS)
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # In-process: one prepared statement stepped once per row.
                marks = ", ".join(["%s"] * len(_FIELDS))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608  (model names)
                cursor.executemany(sql, values)
                return
            if connection.vendor == "postgresql":
                # COPY streams the rows in one round trip (4x faster than bulk_create here).
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                return
        Unit.objects.bulk_create(
            [Unit(**dict(zip(_ATTNAMES, row, strict=True))) for row in values],
            batch_size=CREATE_BATCH,
        )

    def report_left_over(self, existing: list[dict[str, Any]], code: str) -> None:
        left: dict[str, int] = defaultdict(int)
        for row in existing:
            if row["id"] not in self.seen:
                left[row["level"]] += 1
        for name in LEVELS:
            if left[name]:
                self.report.warn(
                    "database",
                    None,
                    f"{left[name]} {name} unit(s) under {code} are not in the files; "
                    "kept as they are",
                )
