"""Scoped reads of the training app.

A module of unit U applies to everyone in U's subtree (the state's modules to everyone): a user
takes the published modules of their unit and its ancestors, and manages (with
`manage_training`) those of their subtree. Any other module does not exist for them (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404

from sampark.accounts import selectors as account_selectors
from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.content import selectors as content_selectors
from sampark.core.numbers import percent
from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import CHILD_LEVEL, Level
from sampark.geo.models import Unit
from sampark.geo.scope import ANCESTOR_FIELD, contains, subtree_q
from sampark.people import selectors as people_selectors
from sampark.training.enums import ModuleStatus
from sampark.training.models import Attempt, Choice, Completion, Lesson, Module, Question

if TYPE_CHECKING:
    from sampark.content.models import ContentItem


def ancestor_ids(unit: Unit | None) -> set[int]:
    """The unit and the units above it (and its PC): whose modules apply to it."""
    if unit is None:
        return set()
    ids = {unit.id, unit.state_id, unit.district_id, unit.pc_id, unit.ac_id, unit.mandal_id}
    return {i for i in ids | {unit.sector_id} if i is not None}


def taker_q(user: User, prefix: str = "") -> Q:
    """Rows of this taker: their person record, or the account for staff without one."""
    if user.person_id is not None:
        return Q(**{f"{prefix}person_id": user.person_id})
    return Q(**{f"{prefix}user_id": user.id, f"{prefix}person__isnull": True})


def modules_visible(*, user: User) -> QuerySet[Module]:
    """Modules of the user's subtree (any state, for managers) and the published modules that
    apply to the user (their unit and above)."""
    if user.unit_id is None:
        return Module.objects.none()
    applies = Q(unit_id__in=ancestor_ids(user.unit), status=ModuleStatus.PUBLISHED)
    if user.can(Capability.MANAGE_TRAINING):
        where = applies | account_selectors.scope_q(user=user, field="unit")
    else:
        where = applies | (
            account_selectors.scope_q(user=user, field="unit") & Q(status=ModuleStatus.PUBLISHED)
        )
    return Module.objects.filter(where).select_related("unit")


def access_module(*, user: User, module_id: int) -> Module:
    """The module if the user may see it (see the module docstring), else 404."""
    return get_object_or_404(modules_visible(user=user), id=module_id)


def can_manage(*, user: User, module: Module) -> bool:
    """Whether the user may change this module (its unit lies in their subtree)."""
    root = user.unit
    return user.can(Capability.MANAGE_TRAINING) and root is not None and contains(root, module.unit)


def managed_modules(*, user: User) -> QuerySet[Module]:
    """Modules the user may change, newest first."""
    if user.unit_id is None or not user.can(Capability.MANAGE_TRAINING):
        return Module.objects.none()
    return (
        Module.objects.filter(account_selectors.scope_q(user=user, field="unit"))
        .select_related("unit")
        .prefetch_related("requirements")
        .order_by("-updated_at", "-id")
    )


def lessons(*, module: Module) -> list[Lesson]:
    return list(Lesson.objects.filter(module=module).order_by("order", "id"))


def questions(*, module: Module) -> list[Question]:
    """The quiz, with its choices."""
    return list(
        Question.objects.filter(module=module)
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "id")))
        .order_by("order", "id")
    )


def lesson_image(*, module: Module, sha: str) -> Lesson:
    """The lesson of `module` whose image has this hash (the first image without one), else
    404."""
    rows = Lesson.objects.filter(module=module).exclude(image="").order_by("order", "id")
    found = rows.filter(image_sha256=sha).first() if sha else rows.first()
    if found is None:
        raise Http404("no such image")
    return found


def kits_of(*, lessons: list[Lesson]) -> dict[int, ContentItem]:
    """The approved kits the lessons cite, by id (a withdrawn kit is left out)."""
    ids = {lesson.kit_id for lesson in lessons if lesson.kit_id is not None}
    return content_selectors.approved_kits(item_ids=ids) if ids else {}


def kit_choices(*, user: User) -> list[tuple[int, str]]:
    """Approved kits of the user's subtree a lesson may cite."""
    from sampark.content.services import SENDABLE

    rows = content_selectors.items_visible(user=user).filter(state__in=SENDABLE)
    return [(i.id, i.title) for i in rows.order_by("-id")[:200]]


def completion_of(*, user: User, module_id: int) -> Completion | None:
    return Completion.objects.filter(taker_q(user), module_id=module_id).first()


def attempts_of(*, user: User, module_id: int) -> list[Attempt]:
    return list(Attempt.objects.filter(taker_q(user), module_id=module_id).order_by("-id")[:20])


@dataclass(frozen=True)
class MyModule:
    module: Module
    completion: Completion | None
    required: bool


def my_modules(*, user: User) -> list[MyModule]:
    """The published modules that apply to the user, required ones first, with their passes."""
    if user.unit_id is None:
        return []
    mods = list(
        Module.objects.filter(
            unit_id__in=ancestor_ids(user.unit), status=ModuleStatus.PUBLISHED
        ).prefetch_related("requirements")
    )
    done = {c.module_id: c for c in Completion.objects.filter(taker_q(user))}
    roles = user.role_names
    rows = [
        MyModule(m, done.get(m.id), any(r.role in roles for r in m.requirements.all()))
        for m in mods
    ]
    return sorted(rows, key=lambda r: (not r.required, r.module.id))


def missing_prerequisites(*, user: User, role: str) -> list[Module]:
    """Published modules required for `role` that apply to the user and they have not passed."""
    if user.unit_id is None:
        return []
    passed = Completion.objects.filter(taker_q(user), module=OuterRef("pk"))
    return list(
        Module.objects.filter(
            unit_id__in=ancestor_ids(user.unit),
            status=ModuleStatus.PUBLISHED,
            requirements__role=role,
        )
        .exclude(Exists(passed))
        .distinct()
        .order_by("id")
    )


def completion_by_code(*, code: str) -> Completion | None:
    """A certificate's completion, by its verification code (the public check)."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())[:16]
    return Completion.objects.select_related("module").filter(code=cleaned).first()


# --- completion by unit ------------------------------------------------------------------------


@dataclass
class Tally:
    """Holders of the positions a module is required for, and how many of them passed."""

    holders: int = 0
    completed: int = 0

    @property
    def pct(self) -> float:
        return percent(self.completed, self.holders)


@dataclass
class UnitCompletion:
    """One unit's completion per required module, with its children's when asked for."""

    id: int
    level: str
    path: str
    name: str
    name_hi: str = ""
    number: int | None = None
    modules: dict[int, Tally] = field(default_factory=dict)
    children: list[UnitCompletion] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "unit": self.path,
            "modules": {
                str(k): {"holders": t.holders, "completed": t.completed, "pct": t.pct}
                for k, t in self.modules.items()
            },
            "children": [c.as_dict() for c in self.children],
        }


def required_modules(*, unit: Unit) -> list[Module]:
    """Published modules with a role requirement that apply in the unit: those of the unit and
    above, and those of units below it (they apply to part of it)."""
    return list(
        Module.objects.filter(
            Q(unit_id__in=ancestor_ids(unit)) | subtree_q(unit, field="unit"),
            status=ModuleStatus.PUBLISHED,
            requirements__isnull=False,
        )
        .select_related("unit")
        .prefetch_related("requirements")
        .distinct()
        .order_by("id")
    )


def _child_key(unit: Unit, child_level: str) -> Case | F:
    """The child of `unit` an assignment's unit lies in (the child itself or below it)."""
    if child_level == Level.BOOTH:
        return F("unit_id")
    column = f"unit__{ANCESTOR_FIELD[child_level]}_id"
    return Case(
        When(unit__level=child_level, then=F("unit_id")),
        default=F(column),
        output_field=IntegerField(),
    )


def _tally(
    *, unit: Unit, module: Module, child_level: str | None
) -> tuple[Tally, dict[int, Tally]]:
    """One GROUP BY over the module's position holders under the unit."""
    kind_ids = people_selectors.position_kind_ids_for_roles(
        roles=[r.role for r in module.requirements.all()]
    )
    total, by_child = Tally(), dict[int, Tally]()
    if not kind_ids:
        return total, by_child
    rows = people_selectors.assignments_under(unit=unit, kind_ids=kind_ids)
    if not contains(module.unit, unit):
        # A module of a unit below: only its own subtree counts.
        rows = rows.filter(subtree_q(module.unit, field="unit"))
    passed = Completion.objects.filter(module_id=module.id, person_id=OuterRef("person_id"))
    counts = {"holders": Count("id"), "completed": Count("id", filter=Q(done=True))}
    rows = rows.order_by().annotate(done=Exists(passed))
    if child_level is None:
        found = rows.aggregate(**counts)
        return Tally(found["holders"] or 0, found["completed"] or 0), by_child
    grouped = (
        rows.annotate(group_key=_child_key(unit, child_level))
        .values("group_key")
        .annotate(**counts)
    )
    for row in grouped:
        total.holders += row["holders"]
        total.completed += row["completed"]
        if row["group_key"] is not None:
            by_child[row["group_key"]] = Tally(row["holders"], row["completed"])
    return total, by_child


def completion_by_unit(
    *, unit: Unit, child_level: str | None = None, modules: list[Module] | None = None
) -> UnitCompletion:
    """Per required module, the share of the unit's position holders (of the roles the module
    is required for) who passed it, with its children's (CHILD_LEVEL, or `child_level`).

    One aggregate query per module whatever the size of the subtree; the caller has scoped the
    unit (`completion_for_user` does). The results app reads it for its strength score.
    """
    out = UnitCompletion(unit.id, unit.level, unit.path, unit.name, unit.name_hi, unit.number)
    level = child_level or CHILD_LEVEL.get(unit.level)
    children = (
        list(geo_selectors.units_at(unit=unit, level=level).values(*geo_selectors.UNIT_FIELDS))
        if level
        else []
    )
    out.children = [
        UnitCompletion(c["id"], c["level"], c["path"], c["name"], c["name_hi"], c["number"])
        for c in children
    ]
    for module in required_modules(unit=unit) if modules is None else modules:
        total, by_child = _tally(unit=unit, module=module, child_level=level)
        out.modules[module.id] = total
        for child in out.children:
            child.modules[module.id] = by_child.get(child.id, Tally())
    return out


def completion_for_user(
    *, user: User, unit_id: int, child_level: str | None = None
) -> tuple[Unit, UnitCompletion, list[Module]]:
    """Completion of a unit in the user's subtree (404 outside it), and the modules counted."""
    unit = account_selectors.access_unit(user=user, unit_id=unit_id)
    modules = required_modules(unit=unit)
    rollup = completion_by_unit(unit=unit, child_level=child_level, modules=modules)
    return unit, rollup, modules


def required_of(*, role: str) -> bool:
    """Whether any published module is required of `role` anywhere (the results app counts
    training in the strength score only then). One EXISTS."""
    return Module.objects.filter(status=ModuleStatus.PUBLISHED, requirements__role=role).exists()


def completions_under(*, unit: Unit, since: dt.datetime | None = None) -> int:
    """Passes earned since `since` (None: ever) by people holding a position on the unit or
    under it (the caller has scoped the unit): one COUNT, for the morning brief."""
    holders = people_selectors.assignments_under(unit=unit).values("person_id")
    rows = Completion.objects.filter(person_id__in=holders)
    if since is not None:
        rows = rows.filter(completed_at__gte=since)
    return rows.count()


def completed_by_booth(*, unit: Unit, role: str = "volunteer") -> dict[int, int]:
    """Per booth under the unit, how many holders of positions implying `role` passed every
    published module required of `role` that applies to the booth (the results app's training
    component of the strength score, "full at 5"). Booths with none are left out.

    One GROUP BY over the assignments when one module applies everywhere (the usual state-wide
    case); modules of lower units are checked per holder's booth in Python.
    """
    modules = [
        m for m in required_modules(unit=unit) if any(r.role == role for r in m.requirements.all())
    ]
    kind_ids = people_selectors.position_kind_ids_for_roles(roles=[role])
    if not modules or not kind_ids:
        return {}
    rows = people_selectors.assignments_under(unit=unit, kind_ids=kind_ids).filter(
        unit__level=Level.BOOTH
    )
    for module in modules:
        if contains(module.unit, unit):
            rows = rows.filter(
                Exists(Completion.objects.filter(module=module, person_id=OuterRef("person_id")))
            )
    local = [m for m in modules if not contains(m.unit, unit)]
    if not local:
        counted = rows.order_by().values("unit_id").annotate(n=Count("person_id", distinct=True))
        return {r["unit_id"]: r["n"] for r in counted}
    passed = {
        (c["module_id"], c["person_id"])
        for c in Completion.objects.filter(module__in=local).values("module_id", "person_id")
    }
    out: dict[int, set[int]] = {}
    for booth_id, person_id, *ancestors in rows.values_list(
        "unit_id",
        "person_id",
        "unit__district_id",
        "unit__ac_id",
        "unit__mandal_id",
        "unit__sector_id",
        "unit__pc_id",
    ):
        above = {booth_id, *ancestors}
        if all((m.id, person_id) in passed for m in local if m.unit_id in above):
            out.setdefault(booth_id, set()).add(person_id)
    return {b: len(p) for b, p in out.items()}
