"""Building the tree we want from what was read (no database writes): districts numbered by
their lowest AC, PCs from the AC master, mandals and sectors by rule, electors summed upwards,
boundaries attached."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from sampark.geo.enums import Level
from sampark.geo.importer.names import (
    DISTRICT_ALIASES,
    STATE_NAMES,
    mandal_names,
    match_key,
    readable,
    sector_names,
    skeleton,
)
from sampark.geo.importer.reading import (
    NAME_MAX,
    Ac,
    Booth,
    read_acs,
    read_booths,
    read_features,
    whole,
)
from sampark.geo.importer.report import ImportReport
from sampark.geo.models import Unit
from sampark.geo.services import unit_code


def total(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


@dataclass(slots=True)
class Node:
    """A unit as the files say it should be."""

    level: str
    code: str
    number: int | None
    name: str
    name_hi: str | None = None  # None: keep what the database has
    reservation: str = ""
    electors: int | None = None
    boundary: str | None = None  # None: keep what the database has
    pc_number: int | None = None  # ACs: their PC
    children: list[Node] = field(default_factory=list)


@dataclass
class Plan:
    """The state's tree, and its PCs (which hang off the state, outside the district tree)."""

    root: Node
    districts: list[Node]
    pcs: list[Node]
    root_id: int | None = None


class Planner:
    """Reads a state's files and plans its tree, reporting bad rows on the way."""

    def __init__(self, *, code: str, data_dir: Path, report: ImportReport) -> None:
        self.code = code
        self.prefix = code.lower()
        self.data_dir = data_dir
        self.report = report

    def path(self, suffix: str) -> Path:
        return self.data_dir / f"{self.prefix}_{suffix}"

    def plan(self, *, name: str | None, name_hi: str | None) -> Plan | None:
        acs, rejected = read_acs(self.path("ac_master.csv"), report=self.report)
        if not acs:
            return None
        booths = read_booths(
            self.path("ls2014_polling_stations.csv"),
            master=self.path("ac_master.csv").name,
            acs=acs,
            rejected=rejected,
            report=self.report,
        )
        districts = self.plan_districts(acs, booths)
        pcs = self.plan_pcs(acs)
        self.attach_ac_boundaries(districts)
        self.attach_district_boundaries(districts)
        root = self.plan_state(name=name, name_hi=name_hi)
        root.electors = total(d.electors for d in districts)
        root.children = districts
        self.count(root, pcs)
        return Plan(root=root, districts=districts, pcs=pcs)

    def count(self, root: Node, pcs: list[Node]) -> None:
        seen = self.report.in_files
        seen[Level.STATE] = 1
        seen[Level.PC] = len(pcs)
        stack = list(root.children)
        while stack:
            node = stack.pop()
            seen[node.level] += 1
            stack.extend(node.children)

    def plan_state(self, *, name: str | None, name_hi: str | None) -> Node:
        existing = Unit.objects.filter(path=self.code).values("name", "name_hi").first()
        default_name, default_hi = STATE_NAMES.get(self.code, (self.code, ""))
        if not name:
            name = existing["name"] if existing else default_name
        if name_hi is None and not (existing and existing["name_hi"]):
            name_hi = default_hi or None
        return Node(Level.STATE, self.code, None, name, name_hi=name_hi)

    # the tree by rule

    def plan_districts(self, acs: dict[int, Ac], booths: dict[int, list[Booth]]) -> list[Node]:
        """Districts numbered by the lowest AC number they hold, each with its ACs below."""
        grouped: dict[str, list[Ac]] = defaultdict(list)
        names: dict[str, str] = {}
        for ac in sorted(acs.values(), key=lambda a: a.number):
            key = ac.district.casefold()
            grouped[key].append(ac)
            names.setdefault(key, ac.district)
        districts: list[Node] = []
        for number, key in enumerate(sorted(grouped, key=lambda k: grouped[k][0].number), 1):
            district = Node(Level.DISTRICT, unit_code(Level.DISTRICT, number), number, names[key])
            for ac in grouped[key]:
                district.children.append(self.plan_ac(ac, booths.get(ac.number, [])))
            district.electors = total(a.electors for a in district.children)
            districts.append(district)
        return districts

    def plan_ac(self, ac: Ac, booths: list[Booth]) -> Node:
        node = Node(
            Level.AC,
            unit_code(Level.AC, ac.number),
            ac.number,
            ac.name,
            reservation=ac.reservation,
            pc_number=ac.pc_number,
        )
        per_sector = max(1, int(settings.SECTOR_BOOTHS))
        per_mandal = max(1, int(settings.MANDAL_SECTORS))
        mandal: Node | None = None
        for s, start in enumerate(range(0, len(booths), per_sector)):
            run = booths[start : start + per_sector]
            if s % per_mandal == 0:
                m = s // per_mandal + 1
                en, hi = mandal_names(m)
                mandal = Node(Level.MANDAL, unit_code(Level.MANDAL, m), m, en, name_hi=hi)
                node.children.append(mandal)
            assert mandal is not None
            en, hi = sector_names(s + 1, run[0].part, run[-1].part)
            sector = Node(Level.SECTOR, unit_code(Level.SECTOR, s + 1), s + 1, en, name_hi=hi)
            sector.children = [
                Node(
                    Level.BOOTH, unit_code(Level.BOOTH, b.part), b.part, b.name, electors=b.electors
                )
                for b in run
            ]
            sector.electors = total(b.electors for b in sector.children)
            mandal.children.append(sector)
        for mandal_node in node.children:
            mandal_node.electors = total(s.electors for s in mandal_node.children)
        node.electors = (
            ac.electors if ac.electors is not None else total(m.electors for m in node.children)
        )
        return node

    def plan_pcs(self, acs: dict[int, Ac]) -> list[Node]:
        """PCs named from ac_master (Hindi names and boundaries from the PC GeoJSON)."""
        master = self.path("ac_master.csv").name
        pcs: dict[int, Node] = {}
        for ac in sorted(acs.values(), key=lambda a: a.number):
            if ac.pc_number is None:
                continue
            pc = pcs.get(ac.pc_number)
            if pc is None:
                pcs[ac.pc_number] = Node(
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
            pc.electors = total([pc.electors, ac.electors])
        path = self.path("pc_boundaries_2019.geojson")
        matched: set[int] = set()
        for number, props, geometry in read_features(path, report=self.report):
            pc_no = whole(props.get("pc_no"))
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

    def attach_ac_boundaries(self, districts: list[Node]) -> None:
        path = self.path("ac_boundaries.geojson")
        by_number = {ac.number: ac for d in districts for ac in d.children}
        matched: set[int] = set()
        for number, props, geometry in read_features(path, report=self.report):
            ac_no = whole(props.get("ac_no"))
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

    def attach_district_boundaries(self, districts: list[Node]) -> None:
        path = self.path("district_boundaries.geojson")
        find = district_finder(districts)
        matched: set[int] = set()
        for number, props, geometry in read_features(path, report=self.report):
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


def district_finder(districts: list[Node]) -> Callable[[str], Node | None]:
    """Match a boundary file's district name to a district: same letters, a name in brackets
    ('Sant Ravi Das Nagar(bhadohi)'), a former name, or the same consonants when unique."""
    by_key = {match_key(d.name): d for d in districts}
    skeletons: dict[str, list[Node]] = defaultdict(list)
    for key, node in by_key.items():
        skeletons[skeleton(key)].append(node)

    def find(label: str) -> Node | None:
        candidates = [match_key(label)]
        candidates += [match_key(inner) for inner in re.findall(r"\(([^)]*)\)", label)]
        candidates.append(match_key(re.sub(r"\([^)]*\)", "", label)))
        for key in candidates:
            node = by_key.get(key) or by_key.get(DISTRICT_ALIASES.get(key, ""))
            if node is not None:
                return node
        for key in candidates:
            same = skeletons.get(skeleton(key), [])
            if key and len(same) == 1:
                return same[0]
        return None

    return find
