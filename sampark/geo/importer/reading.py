"""Reading the state's files (docs/geo-import.md, "File layout"): the AC master and the polling
stations as checked rows, and the GeoJSON boundary features. A bad row is reported and skipped."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sampark.geo.enums import Reservation
from sampark.geo.importer.names import readable
from sampark.geo.importer.report import ImportReport

NAME_MAX = 200  # Unit.name / Unit.name_hi max_length
AC_MASTER_COLUMNS = ("ac_no", "ac_name", "district")
BOOTH_COLUMNS = ("ac_no", "part_no", "part_name")


@dataclass(slots=True)
class CsvRow:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def read_csv(path: Path, *, required: Iterable[str], report: ImportReport) -> list[CsvRow] | None:
    """Rows of a CSV file with their line numbers (header = line 1); None if it is unusable."""
    file = path.name
    if not path.is_file():
        report.error(file, None, "file not found")
        return None
    rows: list[CsvRow] = []
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
                        rows.append(CsvRow(line, dict(zip(columns, values, strict=False))))
                line = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            report.error(file, line, f"unreadable from here on ({exc})")
    return rows


def read_features(path: Path, *, report: ImportReport) -> list[tuple[int, dict[str, Any], str]]:
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


def whole(value: Any) -> int | None:
    """A non-negative whole number from a CSV cell or a GeoJSON property, else None."""
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isascii() and text.isdigit() else None


def number_problem(column: str, raw: str) -> str:
    if not raw:
        return f"{column} is missing"
    if whole(raw) == 0:
        return f"{column} must not be 0"
    return f"{column} {raw!r} is not a number"


def clip(name: str, *, report: ImportReport, file: str, line: int | None) -> str:
    if len(name) > NAME_MAX:
        report.warn(file, line, f"name longer than {NAME_MAX} characters; cut short")
        return name[:NAME_MAX]
    return name


@dataclass(slots=True)
class Ac:
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
class Booth:
    line: int
    part: int
    name: str
    electors: int | None


def parse_reservation(value: str) -> str | None:
    value = value.strip().upper()
    if value == "":
        return Reservation.GEN
    return value if value in Reservation.values else None


def read_acs(path: Path, *, report: ImportReport) -> tuple[dict[int, Ac], dict[int, int]]:
    """The AC master: accepted ACs by number, and the line of each AC number whose row was
    rejected."""
    file = path.name
    rows = read_csv(path, required=AC_MASTER_COLUMNS, report=report)
    acs: dict[int, Ac] = {}
    rejected: dict[int, int] = {}
    for row in rows or []:
        raw = row.get("ac_no")
        number = whole(raw)
        if number is None or number == 0:
            report.error(file, row.line, number_problem("ac_no", raw))
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
        reservation = parse_reservation(row.get("ac_type"))
        if reservation is None:
            report.warn(file, row.line, f"ac_type {row.get('ac_type')!r} is not GEN, SC or ST")
            reservation = ""
        raw_pc = row.get("pc_no")
        pc_number = whole(raw_pc) or None
        if pc_number is None:
            why = number_problem("pc_no", raw_pc)
            report.warn(file, row.line, f"{why}; AC {number} kept without a Lok Sabha seat")
        raw_electors = row.get("electors_2014")
        electors = whole(raw_electors)
        if raw_electors and electors is None:
            report.warn(file, row.line, f"electors_2014 {raw_electors!r} is not a number")
        acs[number] = Ac(
            line=row.line,
            number=number,
            name=clip(ac_name, report=report, file=file, line=row.line),
            reservation=reservation,
            district=clip(district, report=report, file=file, line=row.line),
            pc_number=pc_number,
            pc_name=readable(row.get("pc_name")),
            pc_reservation=parse_reservation(row.get("pc_type")) or "",
            electors=electors,
        )
        rejected.pop(number, None)
    if rows is not None and not acs:
        report.error(file, None, "no usable AC rows; nothing imported")
    return acs, rejected


def read_booths(
    path: Path,
    *,
    master: str,
    acs: dict[int, Ac],
    rejected: dict[int, int],
    report: ImportReport,
) -> dict[int, list[Booth]]:
    """The polling stations: accepted booths per AC number, sorted by part number. `master`
    names the AC master file in the reasons."""
    file = path.name
    rows = read_csv(path, required=BOOTH_COLUMNS, report=report)
    booths: dict[int, list[Booth]] = defaultdict(list)
    first_line: dict[tuple[int, int], int] = {}
    for row in rows or []:
        raw_ac, raw_part = row.get("ac_no"), row.get("part_no")
        ac_no, part = whole(raw_ac), whole(raw_part)
        if ac_no is None or ac_no == 0:
            report.error(file, row.line, number_problem("ac_no", raw_ac))
            continue
        if part is None or part == 0:
            report.error(file, row.line, number_problem("part_no", raw_part))
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
        electors = whole(raw_electors)
        if raw_electors and electors is None:
            report.warn(file, row.line, f"electors_total {raw_electors!r} is not a number")
        pc_no = whole(row.get("pc_no"))
        if pc_no is not None and ac.pc_number is not None and pc_no != ac.pc_number:
            report.warn(
                file,
                row.line,
                f"pc_no {pc_no} differs from PC {ac.pc_number} of AC {ac_no} in {master}",
            )
        booths[ac_no].append(
            Booth(
                line=row.line,
                part=part,
                name=clip(part_name, report=report, file=file, line=row.line),
                electors=electors,
            )
        )
    for ac_no, ac in sorted(acs.items()):
        if rows is not None and ac_no not in booths:
            report.warn(master, ac.line, f"AC {ac_no} has no polling stations in {file}")
    for parts in booths.values():
        parts.sort(key=lambda b: b.part)
    return booths
