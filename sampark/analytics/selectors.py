"""Booth coverage: roll-ups of the staffing counter from the booth to the state.

Every figure is one GROUP BY over booth rows (`Unit.volunteers` is kept by people.services), so
the state roll-up costs one scan of 1.4 lakh booth rows however many volunteers there are. The
unscoped selectors take a unit the caller has already scoped (`access_unit`); the
`*_for_user` ones do it themselves.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, Sum

from sampark.accounts import selectors as account_selectors
from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.core.db import opaque
from sampark.core.numbers import percent
from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import CHILD_LEVEL, Level
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.geo.scope import ANCESTOR_FIELD, contains
from sampark.geo.selectors import UNIT_FIELDS, booths_under, units_at
from sampark.people import selectors as people_selectors
from sampark.people.enums import AssignmentStatus
from sampark.people.validation import display_phone

if TYPE_CHECKING:
    from sampark.people.models import PositionKind

# Levels whose pages show the choropleth of their ACs.
MAP_LEVELS: frozenset[str] = frozenset({Level.STATE, Level.DISTRICT, Level.PC, Level.AC})
LACKING_PAGE = 50

# Depth of each level; a PC sits beside the district, above its ACs.
_RANK: dict[str, int] = {
    Level.STATE: 0,
    Level.DISTRICT: 1,
    Level.PC: 1,
    Level.AC: 2,
    Level.MANDAL: 3,
    Level.SECTOR: 4,
    Level.BOOTH: 5,
}


def full_staff() -> int:
    """Volunteers a booth needs to count as fully staffed (settings.BOOTH_FULL_STAFF)."""
    return int(settings.BOOTH_FULL_STAFF)


@dataclass
class Coverage:
    """Staffing of one unit's booths, and of its children's when asked for."""

    id: int
    level: str
    path: str
    name: str
    name_hi: str = ""
    number: int | None = None
    booths_total: int = 0
    booths_full: int = 0
    booths_partial: int = 0
    booths_empty: int = 0
    volunteers: int = 0
    children: list[Coverage] = field(default_factory=list)

    @property
    def pct_full(self) -> float:
        return percent(self.booths_full, self.booths_total)

    @property
    def pct_partial(self) -> float:
        return percent(self.booths_partial, self.booths_total)

    @property
    def pct_empty(self) -> float:
        return percent(self.booths_empty, self.booths_total)

    @property
    def booths_lacking(self) -> int:
        return self.booths_total - self.booths_full

    def add(self, other: Coverage) -> None:
        self.booths_total += other.booths_total
        self.booths_full += other.booths_full
        self.booths_partial += other.booths_partial
        self.booths_empty += other.booths_empty
        self.volunteers += other.volunteers

    def as_dict(self) -> dict[str, Any]:
        """The shape of `sampark coverage --json` and GET /api/analytics/coverage/{id}."""
        return {
            "unit": self.path,
            **self._figures(),
            "children": [{"path": c.path, **c._figures()} for c in self.children],
        }

    def _figures(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "name": self.name,
            "name_hi": self.name_hi,
            "number": self.number,
            "booths_total": self.booths_total,
            "booths_full": self.booths_full,
            "booths_partial": self.booths_partial,
            "booths_empty": self.booths_empty,
            "volunteers": self.volunteers,
            "pct_full": self.pct_full,
        }


def _blank(row: dict[str, Any]) -> Coverage:
    return Coverage(
        id=row["id"],
        level=row["level"],
        path=row["path"],
        name=row["name"],
        name_hi=row["name_hi"],
        number=row["number"],
    )


def _of_unit(unit: Unit) -> Coverage:
    return Coverage(
        id=unit.id,
        level=unit.level,
        path=unit.path,
        name=unit.name,
        name_hi=unit.name_hi,
        number=unit.number,
    )


def _of_booth(cov: Coverage, volunteers: int) -> Coverage:
    full = full_staff()
    cov.booths_total = 1
    cov.volunteers = volunteers
    cov.booths_full = int(volunteers >= full)
    cov.booths_empty = int(volunteers == 0)
    cov.booths_partial = 1 - cov.booths_full - cov.booths_empty
    return cov


def _tallies(*, unit: Unit, group: str) -> dict[int | None, Coverage]:
    """One aggregate query over the unit's booths: counts by staffing band and volunteers, per
    `group` column (e.g. `district_id`)."""
    full = full_staff()
    rows = (
        booths_under(unit=unit)
        .order_by()
        .annotate(group_key=geo_selectors.group_key(unit=unit, column=group))
        .values("group_key")
        .annotate(
            total=Count("id"),
            full=Count("id", filter=Q(volunteers__gte=full)),
            empty=Count("id", filter=Q(volunteers=0)),
            vols=Sum("volunteers"),
        )
    )
    out: dict[int | None, Coverage] = {}
    for row in rows:
        total, full_n, empty = row["total"], row["full"], row["empty"]
        out[row["group_key"]] = Coverage(
            id=row["group_key"] or 0,
            level="",
            path="",
            name="",
            booths_total=total,
            booths_full=full_n,
            booths_empty=empty,
            booths_partial=total - full_n - empty,
            volunteers=row["vols"] or 0,
        )
    return out


def _is_below(unit: Unit, level: str) -> bool:
    return level in _RANK and _RANK[level] > _RANK[unit.level]


def coverage_by_level(*, unit: Unit, level: str) -> list[Coverage]:
    """Coverage of every unit of `level` under `unit` (a state's 403 ACs): two queries."""
    if not _is_below(unit, level):
        raise ValueError(f"{level} is not below {unit.level}")
    booths = booths_under(unit=unit)
    if level == Level.BOOTH:
        rows = booths.order_by("number", "path").values(*UNIT_FIELDS, "volunteers")
        return [_of_booth(_blank(row), row["volunteers"]) for row in rows]
    tallies = _tallies(unit=unit, group=f"{ANCESTOR_FIELD[level]}_id")
    found = []
    for row in units_at(unit=unit, level=level).values(*UNIT_FIELDS):
        cov = _blank(row)
        tally = tallies.get(cov.id)
        if tally is not None:
            cov.add(tally)
        found.append(cov)
    return found


def coverage(*, unit: Unit, child_level: str | None = None) -> Coverage:
    """The unit's booth staffing with its children's (CHILD_LEVEL, or `child_level`).

    Two queries whatever the size of the subtree: one GROUP BY over the booth rows, one for the
    children's names. Booths whose child column is unset still count in the unit's totals.
    """
    cov = _of_unit(unit)
    if unit.level == Level.BOOTH:
        return _of_booth(cov, unit.volunteers)
    level = child_level or CHILD_LEVEL[unit.level]
    if level == Level.BOOTH:
        cov.children = coverage_by_level(unit=unit, level=level)
        for child in cov.children:
            cov.add(child)
        return cov
    if not _is_below(unit, level):
        raise ValueError(f"{level} is not below {unit.level}")
    tallies = _tallies(unit=unit, group=f"{ANCESTOR_FIELD[level]}_id")
    for tally in tallies.values():
        cov.add(tally)
    for row in units_at(unit=unit, level=level).values(*UNIT_FIELDS):
        child = _blank(row)
        found = tallies.get(child.id)
        if found is not None:
            child.add(found)
        cov.children.append(child)
    return cov


def coverage_for_user(*, user: User, unit_id: int, child_level: str | None = None) -> Coverage:
    """Coverage of a unit in the user's subtree (404 outside it)."""
    unit = account_selectors.access_unit(user=user, unit_id=unit_id)
    return coverage(unit=unit, child_level=child_level)


# --- who is in charge ------------------------------------------------------------------------


@dataclass(frozen=True)
class InCharge:
    """An active holder of an IT-cell in-charge position on a unit."""

    person_id: int
    name: str
    unit_id: int
    level: str
    role_en: str
    role_hi: str
    status: str


def incharges(*, unit_ids: Iterable[int]) -> dict[int, list[InCharge]]:
    """Active in-charge holders per unit, verified first, in one query."""
    ids = sorted(set(unit_ids))
    found: dict[int, list[InCharge]] = defaultdict(list)
    if not ids:
        return found
    rows = (
        people_selectors.incharge_assignments(unit_ids=ids)
        .order_by("unit_id", "-status", "started_at", "id")  # "verified" sorts after "pending"
        .values_list(
            "unit_id",
            "person_id",
            "person__name",
            "unit__level",
            "kind__name_en",
            "kind__name_hi",
            "status",
        )
    )
    for unit_id, person_id, name, level, role_en, role_hi, status in rows:
        found[unit_id].append(
            InCharge(
                person_id=person_id,
                name=name,
                unit_id=unit_id,
                level=level,
                role_en=role_en,
                role_hi=role_hi,
                status=status,
            )
        )
    return found


@dataclass
class LackingBooth:
    """A booth short of BOOTH_FULL_STAFF volunteers, with where it is and who answers for it."""

    id: int
    path: str
    name: str
    name_hi: str
    number: int | None
    volunteers: int
    ac: Coverage | None
    sector: Coverage | None
    incharge: InCharge | None = None
    level: str = Level.BOOTH

    @property
    def missing(self) -> int:
        return max(full_staff() - self.volunteers, 0)


@dataclass
class LackingPage:
    booths: list[LackingBooth]
    offset: int
    limit: int
    next_offset: int | None


def _ref(prefix: str, row: dict[str, Any], level: str) -> Coverage | None:
    unit_id = row[f"{prefix}_id"]
    if unit_id is None:
        return None
    return Coverage(
        id=unit_id,
        level=level,
        path="",
        name=row[f"{prefix}__name"],
        name_hi=row[f"{prefix}__name_hi"],
        number=row[f"{prefix}__number"],
    )


_LACKING_FIELDS = (
    *UNIT_FIELDS,
    "volunteers",
    "mandal_id",
    "ac_id",
    "ac__name",
    "ac__name_hi",
    "ac__number",
    "sector_id",
    "sector__name",
    "sector__name_hi",
    "sector__number",
)
# A shallow page of a big unit is read AC by AC, in batches that grow fourfold.
_AC_BATCH = 8
_BATCH_DEPTH = 1000


def _lacking_rows(*, unit: Unit, offset: int, count: int) -> list[dict[str, Any]]:
    """Rows `offset`..`offset + count` of the booths lacking volunteers, by AC and part number.

    Sorting every lacking booth of the state to show the first fifty costs 100-200 ms, so a
    shallow page of a state, district or PC walks its ACs in number order instead, reading
    booths of 8, then 32, 128 ... ACs until the page is full: at most five queries, and
    usually two. Deep pages sort once. (A booth without an AC, which the importer never
    makes, is listed only on deep pages.)
    """
    lacking = Unit.objects.filter(level=Level.BOOTH, volunteers__lt=full_staff())
    need = offset + count
    if unit.level not in (Level.STATE, Level.DISTRICT, Level.PC) or need > _BATCH_DEPTH:
        ordered = (
            booths_under(unit=unit)
            .filter(volunteers__lt=full_staff())
            .order_by("ac__number", "number", "id")
        )
        return list(ordered.values(*_LACKING_FIELDS)[offset:need])
    ac_ids = list(units_at(unit=unit, level=Level.AC).values_list("id", flat=True))
    rows: list[dict[str, Any]] = []
    start, size = 0, _AC_BATCH
    while start < len(ac_ids) and len(rows) < need:
        batch = lacking.filter(ac_id__in=ac_ids[start : start + size])
        ordered = batch.order_by("ac__number", "number", "id").values(*_LACKING_FIELDS)
        rows.extend(ordered[: need - len(rows)])
        start, size = start + size, size * 4
    return rows[offset:need]


def booths_lacking(
    *, unit: Unit, limit: int = LACKING_PAGE, offset: int = 0, scope: Unit | None = None
) -> LackingPage:
    """Booths under the unit with fewer than BOOTH_FULL_STAFF volunteers, by AC then part number,
    each with the nearest in-charge (sector, else mandal, else AC): two queries for an AC or
    below, at most six for a state of up to 680 ACs (see `_lacking_rows`).

    With `scope`, in-charges are looked for only on units inside it (a mandal in-charge does
    not see who holds the AC above them).
    """
    limit = max(limit, 0)
    offset = max(offset, 0)
    rows = _lacking_rows(unit=unit, offset=offset, count=limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    chain_ids: set[int] = set()
    for row in rows:
        chain_ids.update(i for i in (row["sector_id"], row["mandal_id"], row["ac_id"]) if i)
    holders = incharges(unit_ids=chain_ids)
    booths = []
    for row in rows:
        booth = LackingBooth(
            id=row["id"],
            path=row["path"],
            name=row["name"],
            name_hi=row["name_hi"],
            number=row["number"],
            volunteers=row["volunteers"],
            ac=_ref("ac", row, Level.AC),
            sector=_ref("sector", row, Level.SECTOR),
        )
        for unit_id in (row["sector_id"], row["mandal_id"], row["ac_id"]):
            if unit_id is None or not holders.get(unit_id):
                continue
            first = holders[unit_id][0]
            if scope is not None and not _in_scope(scope, first):
                continue
            booth.incharge = first
            break
        booths.append(booth)
    return LackingPage(
        booths=booths,
        offset=offset,
        limit=limit,
        next_offset=offset + limit if has_more else None,
    )


def _in_scope(scope: Unit, holder: InCharge) -> bool:
    """Whether the holder's unit (an ancestor of a booth inside `scope`) lies inside `scope`:
    it is the scope root itself, or it sits below the root's level on the booth's chain."""
    return holder.unit_id == scope.id or _RANK[holder.level] > _RANK[scope.level]


def booths_lacking_for_user(
    *, user: User, unit_id: int, limit: int = LACKING_PAGE, offset: int = 0
) -> LackingPage:
    """`booths_lacking` for a unit in the user's subtree (404 outside it)."""
    unit = account_selectors.access_unit(user=user, unit_id=unit_id)
    return booths_lacking(
        unit=unit, limit=limit, offset=offset, scope=account_selectors.scope_root(user=user)
    )


def booths_lacking_count(*, unit: Unit) -> int:
    """How many booths under the unit have fewer than BOOTH_FULL_STAFF volunteers."""
    return booths_under(unit=unit).filter(volunteers__lt=full_staff()).count()


# --- positions and recruitment ---------------------------------------------------------------


@dataclass(frozen=True)
class Vacancy:
    """One booth position kind across a subtree: seats, active holders, pending, vacant."""

    code: str
    name: str
    name_hi: str
    seats: int
    held: int
    pending: int

    @property
    def vacant(self) -> int:
        return max(self.seats - self.held, 0)

    @property
    def pct_held(self) -> float:
        return percent(self.held, self.seats)


def booth_kinds() -> list[PositionKind]:
    """The booth position kinds (the five volunteers), in catalogue order."""
    return people_selectors.booth_position_kinds()


def vacancies_by_kind(*, unit: Unit, booths_total: int | None = None) -> list[Vacancy]:
    """For each booth position kind: booths × seats, active holders and those pending verification.

    `booths_total` saves a count when the caller has the coverage already.
    """
    if booths_total is None:
        booths_total = booths_under(unit=unit).count()
    kinds = booth_kinds()
    held = people_selectors.booth_assignments(unit=unit, kind_ids=[k.id for k in kinds])
    counts = {
        row["kind_key"]: row
        for row in held.order_by()
        # Grouping by an expression keeps SQLite off the kind_id index (every assignment of
        # the state) and on the booths' (level, <ancestor>) index: 390 -> 6 ms for a district.
        .annotate(kind_key=opaque("kind_id"))
        .values("kind_key")
        .annotate(held=Count("id"), pending=Count("id", filter=Q(status=AssignmentStatus.PENDING)))
    }
    return [
        Vacancy(
            code=k.code,
            name=k.name_en,
            name_hi=k.name_hi,
            seats=booths_total * k.seats,
            held=counts.get(k.id, {}).get("held", 0),
            pending=counts.get(k.id, {}).get("pending", 0),
        )
        for k in kinds
    ]


@dataclass(frozen=True)
class Recruitment:
    target: int
    target_set: bool  # False when the target is the default BOOTH_FULL_STAFF × booths
    verified: int
    due: date | None

    @property
    def percent(self) -> float:
        return min(percent(self.verified, self.target), 100.0) if self.target else 0.0

    @property
    def remaining(self) -> int:
        return max(self.target - self.verified, 0)


def recruitment_progress(*, unit: Unit, totals: Coverage | None = None) -> Recruitment:
    """Verified volunteers against the unit's recruitment target (default: a full booth each)."""
    totals = totals if totals is not None else coverage(unit=unit)
    target = RecruitmentTarget.objects.filter(unit_id=unit.id).first()
    if target is not None:
        return Recruitment(
            target=target.volunteers, target_set=True, verified=totals.volunteers, due=target.due
        )
    return Recruitment(
        target=full_staff() * totals.booths_total,
        target_set=False,
        verified=totals.volunteers,
        due=None,
    )


# --- the map -------------------------------------------------------------------------------


def ac_map_features(*, unit: Unit) -> dict[str, Any]:
    """GeoJSON FeatureCollection of the ACs in the unit's subtree, coloured by % of booths full.

    ACs without a boundary are left out. Two queries.
    """
    if unit.level == Level.AC:
        acs = Unit.objects.filter(id=unit.id)
        tallies = _tallies(unit=unit, group="ac_id")
    elif unit.level in (Level.STATE, Level.DISTRICT, Level.PC):
        acs = units_at(unit=unit, level=Level.AC)
        tallies = _tallies(unit=unit, group="ac_id")
    else:
        return {"type": "FeatureCollection", "features": []}
    features = []
    for ac_id, name, name_hi, number, boundary in acs.exclude(boundary="").values_list(
        "id", "name", "name_hi", "number", "boundary"
    ):
        try:
            geometry = json.loads(boundary)
        except ValueError:
            continue
        tally = tallies.get(ac_id)
        total = tally.booths_total if tally else 0
        full_n = tally.booths_full if tally else 0
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": ac_id,
                    "name": name,
                    "name_hi": name_hi,
                    "number": number,
                    "booths_total": total,
                    "booths_full": full_n,
                    "pct_full": percent(full_n, total),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- one booth ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Holder:
    assignment_id: int
    person_id: int
    name: str
    status: str
    status_label: str
    phone: str
    seat: int


@dataclass
class PositionRow:
    kind: PositionKind
    holders: list[Holder] = field(default_factory=list)

    @property
    def open_seats(self) -> int:
        return max(self.kind.seats - len(self.holders), 0)


@dataclass
class ChainLink:
    unit: Unit
    holders: list[InCharge] = field(default_factory=list)


@dataclass
class BoothDetail:
    positions: list[PositionRow]
    chain: list[ChainLink]

    @property
    def filled(self) -> int:
        return sum(len(p.holders) for p in self.positions)


def booth_detail(*, unit: Unit, user: User) -> BoothDetail:
    """A booth's five positions with their holders (phones masked unless the user may see them),
    and the in-charges of its sector, mandal, AC and district that lie in the user's scope."""
    masked = not user.can(Capability.SEE_PHONES)
    rows = [PositionRow(kind=k) for k in booth_kinds()]
    by_kind = {r.kind.id: r for r in rows}
    assignments = (
        people_selectors.booth_assignments(unit=unit, kind_ids=list(by_kind))
        .select_related("person")
        .order_by("seat", "id")
    )
    for a in assignments:
        by_kind[a.kind_id].holders.append(
            Holder(
                assignment_id=a.id,
                person_id=a.person_id,
                name=a.person.name,
                status=a.status,
                status_label=str(AssignmentStatus(a.status).label),
                phone=display_phone(a.person.phone, masked=masked),
                seat=a.seat,
            )
        )
    root = account_selectors.scope_root(user=user)
    chain_ids = [unit.sector_id, unit.mandal_id, unit.ac_id, unit.district_id]
    units = {u.id: u for u in Unit.objects.filter(id__in=[i for i in chain_ids if i])}
    visible = [units[i] for i in chain_ids if i in units and contains(root, units[i])]
    holders = incharges(unit_ids=[u.id for u in visible])
    return BoothDetail(
        positions=rows,
        chain=[ChainLink(unit=u, holders=holders.get(u.id, [])) for u in visible],
    )


# --- the page --------------------------------------------------------------------------------


def child_levels(*, unit: Unit) -> list[str]:
    """Ways to group a unit's children on its page: a state by district or by Lok Sabha seat."""
    if unit.level == Level.STATE:
        return [Level.DISTRICT, Level.PC]
    level = CHILD_LEVEL.get(unit.level)
    return [level] if level else []


@dataclass
class Dashboard:
    unit: Unit
    crumbs: list[Unit]
    coverage: Coverage
    child_level: str | None
    child_levels: list[str]
    recruitment: Recruitment
    lacking: LackingPage | None
    booth: BoothDetail | None
    show_map: bool
    full_staff: int
    can_manage_people: bool


def dashboard(*, user: User, unit: Unit, child_level: str | None = None) -> Dashboard:
    """Everything the unit page shows, in a bounded number of queries (about ten).

    Vacancies by position kind are not here: they count assignments rather than booth rows
    (every assignment of the state, on a state page), so the page loads them after itself.
    """
    levels = child_levels(unit=unit)
    level = child_level if child_level in levels else (levels[0] if levels else None)
    cov = coverage(unit=unit, child_level=level)
    is_booth = unit.level == Level.BOOTH
    return Dashboard(
        unit=unit,
        crumbs=geo_selectors.breadcrumbs(user=user, unit=unit),
        coverage=cov,
        child_level=level,
        child_levels=levels,
        recruitment=recruitment_progress(unit=unit, totals=cov),
        lacking=None
        if is_booth
        else booths_lacking(
            unit=unit, limit=LACKING_PAGE, scope=account_selectors.scope_root(user=user)
        ),
        booth=booth_detail(unit=unit, user=user) if is_booth else None,
        show_map=unit.level in MAP_LEVELS,
        full_staff=full_staff(),
        can_manage_people=user.can(Capability.MANAGE_PEOPLE),
    )
