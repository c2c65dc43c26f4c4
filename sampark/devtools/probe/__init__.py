"""The randomized scope probe: every endpoint, out-of-scope ids, zero leaks.

It builds a random tree, random users (a random role on a random unit at any level) and random
objects in the tree (persons and positions, directives and their recipients, import jobs, ...)
directly with the ORM, then discovers every URL pattern by walking the resolver (the Ninja API
included) and calls each one, logged in as a random user, with the id of an object that lies
outside that user's visibility.

- An id in the path must get a 404 (a 405 for a method the endpoint does not have). A 400/422
  passes only when an id that does not exist gets the very same answer (input validated before
  the lookup reveals nothing). Anything else (2xx, 3xx, 403, 500, a crash) is a leak.
- An id in a Ninja query parameter or body field (found in the OpenAPI schema) must get a 404 or
  exactly the answer a nonexistent id gets (a filter that finds nothing).
- Any response that names the object or shows its phone is a leak, whatever its status.
- Roll-ups (`booths_total`) for a user's own unit must match a count made here.

Visibility is computed here independently of the app's selectors: the subtree is taken from the
units' materialised paths (the app uses the ancestor id columns), and "outside" is the strict
reading of each rule, so that a hidden object never counts as visible by mistake.

Every parameter name maps to a model in `REGISTRY`. An int parameter that the registry does not
know fails the probe ("add parameter X to the probe registry"), so a new endpoint is probed from
the day it is added. Everything runs inside one transaction that is rolled back at the end; each
request runs in its own savepoint, rolled back too, so a leaking POST cannot change the world the
next probe sees.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import random
import re
import tempfile
import time
import typing
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from sampark.accounts.enums import Role
from sampark.accounts.models import RoleGrant, User
from sampark.content.enums import DeliveryStatus, ItemState, MediaKind
from sampark.content.models import ContentItem, Delivery, Distribution, MediaAsset
from sampark.devtools.probe import warroom as warroom_probe_world
from sampark.devtools.synthetic import build_tree
from sampark.directives.models import Directive, DirectiveRecipient
from sampark.factcheck import selectors as factcheck_selectors
from sampark.factcheck.models import FactCheck
from sampark.geo.enums import Level
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.groups.models import Group as BoothGroup
from sampark.groups.models import GroupJoin, MemberCountReport
from sampark.monitoring.enums import AlertKind, SourceKind
from sampark.monitoring.models import (
    Alert,
    ExportUpload,
    Narrative,
    Post,
    Source,
    Watchlist,
)
from sampark.people.enums import (
    AssignmentStatus,
    ConsentAction,
    ConsentChannel,
    ConsentPurpose,
    FlagKind,
)
from sampark.people.models import (
    Assignment,
    ConsentEvent,
    ImportJob,
    Person,
    PhoneVerification,
    PositionKind,
    SignupFlag,
)
from sampark.people.staffing import booth_recount
from sampark.warroom.models import Incident, ResponseTemplate, Shift
from sampark.warroom.models import Response as WarroomResponse

# The admin site is for superusers only (staff accounts are not scoped users); it is listed,
# not probed.
EXCLUDED_PREFIXES: tuple[str, ...] = ("admin/",)
# Methods tried on plain Django views (their allowed methods cannot be read from the pattern).
DJANGO_METHODS: tuple[str, ...] = ("GET", "POST")
NONEXISTENT_OFFSET = 1_000_000
PROBE_CODE = "PRB"  # path of the probe's state: never collides with a real state's code


# --- the world: every probed object, loaded once into memory ---------------------------------


@dataclass
class World:
    units: dict[int, Unit] = field(default_factory=dict)
    persons: dict[int, Person] = field(default_factory=dict)
    assignments: dict[int, Assignment] = field(default_factory=dict)
    directives: dict[int, Directive] = field(default_factory=dict)
    recipients: dict[int, DirectiveRecipient] = field(default_factory=dict)
    jobs: dict[int, ImportJob] = field(default_factory=dict)
    flags: dict[int, SignupFlag] = field(default_factory=dict)
    consents: dict[int, ConsentEvent] = field(default_factory=dict)
    otps: dict[int, PhoneVerification] = field(default_factory=dict)
    targets: dict[int, RecruitmentTarget] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    kinds: dict[int, PositionKind] = field(default_factory=dict)
    posts: dict[int, Post] = field(default_factory=dict)
    narratives: dict[int, Narrative] = field(default_factory=dict)
    sources: dict[int, Source] = field(default_factory=dict)
    watchlists: dict[int, Watchlist] = field(default_factory=dict)
    alerts: dict[int, Alert] = field(default_factory=dict)
    uploads: dict[int, ExportUpload] = field(default_factory=dict)
    booth_groups: dict[int, BoothGroup] = field(default_factory=dict)
    items: dict[int, ContentItem] = field(default_factory=dict)
    distributions: dict[int, Distribution] = field(default_factory=dict)
    deliveries: dict[int, Delivery] = field(default_factory=dict)
    media: dict[int, MediaAsset] = field(default_factory=dict)
    factchecks: dict[int, FactCheck] = field(default_factory=dict)
    incidents: dict[int, Incident] = field(default_factory=dict)
    responses: dict[int, WarroomResponse] = field(default_factory=dict)
    templates: dict[int, ResponseTemplate] = field(default_factory=dict)
    shifts: dict[int, Shift] = field(default_factory=dict)
    # Derived indexes.
    narrative_posts: dict[int, list[int]] = field(default_factory=dict)
    person_units: dict[int, set[int]] = field(default_factory=dict)
    directive_units: dict[int, set[int]] = field(default_factory=dict)
    directive_recipients: dict[int, list[int]] = field(default_factory=dict)


@dataclass
class Viewer:
    """A probe user with their subtree (unit ids) and what lies outside it, per kind."""

    user: User
    subtree: frozenset[int]
    root: Unit | None
    # Units whose names the user's own pages may show anyway (their ancestors and their PC).
    around: frozenset[int]
    outside: dict[str, list[int]] = field(default_factory=dict)
    inside: dict[str, list[int]] = field(default_factory=dict)


def subtree_of(unit: Unit | None, units: dict[int, Unit]) -> frozenset[int]:
    """The unit and everything below it, by materialised path (a PC: its ACs and below)."""
    if unit is None:
        return frozenset()
    if unit.level == Level.PC:
        tops = [u.path for u in units.values() if u.level == Level.AC and u.pc_id == unit.id]
        ids = {u.id for u in units.values() if any(_under(u.path, top) for top in tops)}
        return frozenset({unit.id, *ids})
    return frozenset(u.id for u in units.values() if _under(u.path, unit.path))


def _under(path: str, top: str) -> bool:
    return path == top or path.startswith(top + "/")


# --- the registry: parameter name -> model and visibility rule -------------------------------


@dataclass(frozen=True)
class Kind:
    """One probed model: how to list its ids, which lie outside a viewer, what must not leak."""

    name: str
    ids: Callable[[World], Sequence[int]]
    outside: Callable[[World, Viewer, int], bool]
    secrets: Callable[[World, Viewer, int], list[str]] = lambda w, v, i: []
    # Values for the other parameters of a route, taken from the object (e.g. a recipient's
    # directive), so that only the object under test is out of scope.
    companions: Callable[[World, int, random.Random], dict[str, int]] = lambda w, i, r: {}
    table: type[Any] | None = None


def _unit_secrets(w: World, v: Viewer, unit_id: int) -> list[str]:
    if unit_id in v.around:
        return []
    unit = w.units[unit_id]
    return [s for s in (unit.name, unit.name_hi) if s]


def _person_outside(w: World, v: Viewer, person_id: int) -> bool:
    person = w.persons[person_id]
    if person.home_unit_id is not None and person.home_unit_id in v.subtree:
        return False
    return not (w.person_units.get(person_id, set()) & v.subtree)


def _person_secrets(w: World, v: Viewer, person_id: int) -> list[str]:
    person = w.persons[person_id]
    national = person.phone[3:] if person.phone.startswith("+91") else person.phone
    return [person.name, person.phone, national, f"{national[:5]} {national[5:]}"]


def _directive_outside(w: World, v: Viewer, directive_id: int) -> bool:
    directive = w.directives[directive_id]
    if directive.sender_unit_id in v.subtree:
        return False
    return v.root is None or v.root.id not in w.directive_units.get(directive_id, set())


def _recipient_outside(w: World, v: Viewer, recipient_id: int) -> bool:
    r = w.recipients[recipient_id]
    return r.unit_id not in v.subtree or _directive_outside(w, v, r.directive_id)


def _recipient_secrets(w: World, v: Viewer, recipient_id: int) -> list[str]:
    r = w.recipients[recipient_id]
    found = _unit_secrets(w, v, r.unit_id) if r.unit_id not in v.subtree else []
    if _directive_outside(w, v, r.directive_id):
        found.append(w.directives[r.directive_id].title)
    return found


def _by_person(get: Callable[[World], dict[int, Any]]) -> Callable[[World, Viewer, int], bool]:
    return lambda w, v, i: _person_outside(w, v, get(w)[i].person_id)


def _by_person_secrets(
    get: Callable[[World], dict[int, Any]],
) -> Callable[[World, Viewer, int], list[str]]:
    return lambda w, v, i: _person_secrets(w, v, get(w)[i].person_id)


def _unit_of(get: Callable[[World], dict[int, Any]], attr: str) -> Callable[[World, int], int]:
    return lambda w, i: int(getattr(get(w)[i], attr))


def _random_recipient(w: World, directive_id: int, rng: random.Random) -> dict[str, int]:
    rows = w.directive_recipients.get(directive_id, [])
    return {"recipient_id": rng.choice(rows)} if rows else {}


_job_unit = _unit_of(lambda w: w.jobs, "scope_id")


def _post_outside(w: World, v: Viewer, post_id: int) -> bool:
    """Group content is visible in its unit's subtree only; public posts to every listener."""
    post = w.posts[post_id]
    if not post.is_private:
        return False
    if post.unit_id is None:
        return v.root is None or v.root.parent_id is not None
    return post.unit_id not in v.subtree


def _narrative_outside(w: World, v: Viewer, narrative_id: int) -> bool:
    return all(_post_outside(w, v, p) for p in w.narrative_posts.get(narrative_id, []))


def _reached(w: World, d: Delivery) -> bool:
    return d.status in (DeliveryStatus.SENT, DeliveryStatus.DELIVERED)


def _media_reached(w: World, v: Viewer, media_id: int) -> bool:
    item_id = w.media[media_id].item_id
    return v.user.person_id is not None and any(
        d.person_id == v.user.person_id
        and w.distributions[d.distribution_id].item_id == item_id
        and _reached(w, d)
        for d in w.deliveries.values()
    )


def _media_delivery(w: World, media_id: int) -> dict[str, int]:
    """The delivery of the media's kit to the one recipient who has a login (if any)."""
    item_id = w.media[media_id].item_id
    linked = {u.person_id for u in w.users.values() if u.person_id is not None}
    for d in w.deliveries.values():
        if w.distributions[d.distribution_id].item_id == item_id and d.person_id in linked:
            return {"delivery_id": d.id}
    return {}


def _source_outside(w: World, v: Viewer, source_id: int) -> bool:
    source = w.sources[source_id]
    if source.unit_id is None:
        return source.kind == SourceKind.WHATSAPP_EXPORT and (
            v.root is None or v.root.parent_id is not None
        )
    return source.unit_id not in v.subtree


_target_unit = _unit_of(lambda w: w.targets, "unit_id")
_assignment_unit = _unit_of(lambda w: w.assignments, "unit_id")

KINDS: dict[str, Kind] = {
    "unit": Kind(
        "unit",
        ids=lambda w: list(w.units),
        outside=lambda w, v, i: i not in v.subtree,
        secrets=_unit_secrets,
        table=Unit,
    ),
    "person": Kind(
        "person",
        ids=lambda w: list(w.persons),
        outside=_person_outside,
        secrets=lambda w, v, i: _person_secrets(w, v, i),
        table=Person,
    ),
    "assignment": Kind(
        "assignment",
        ids=lambda w: list(w.assignments),
        outside=lambda w, v, i: _assignment_unit(w, i) not in v.subtree,
        secrets=lambda w, v, i: (
            _person_secrets(w, v, w.assignments[i].person_id)
            if _person_outside(w, v, w.assignments[i].person_id)
            else []
        ),
        companions=lambda w, i, r: {
            "person_id": w.assignments[i].person_id,
            "unit_id": w.assignments[i].unit_id,
        },
        table=Assignment,
    ),
    "directive": Kind(
        "directive",
        ids=lambda w: list(w.directives),
        outside=_directive_outside,
        secrets=lambda w, v, i: [w.directives[i].title, w.directives[i].body],
        companions=_random_recipient,
        table=Directive,
    ),
    "recipient": Kind(
        "recipient",
        ids=lambda w: list(w.recipients),
        outside=_recipient_outside,
        secrets=_recipient_secrets,
        companions=lambda w, i, r: {"directive_id": w.recipients[i].directive_id},
        table=DirectiveRecipient,
    ),
    "job": Kind(
        "job",
        ids=lambda w: list(w.jobs),
        outside=lambda w, v, i: _job_unit(w, i) not in v.subtree,
        secrets=lambda w, v, i: [w.jobs[i].filename],
        table=ImportJob,
    ),
    "flag": Kind(
        "flag",
        ids=lambda w: list(w.flags),
        outside=_by_person(lambda w: w.flags),
        secrets=_by_person_secrets(lambda w: w.flags),
        companions=lambda w, i, r: {"person_id": w.flags[i].person_id},
        table=SignupFlag,
    ),
    "consent": Kind(
        "consent",
        ids=lambda w: list(w.consents),
        outside=_by_person(lambda w: w.consents),
        secrets=_by_person_secrets(lambda w: w.consents),
        companions=lambda w, i, r: {"person_id": w.consents[i].person_id},
        table=ConsentEvent,
    ),
    "otp": Kind(
        "otp",
        ids=lambda w: list(w.otps),
        outside=_by_person(lambda w: w.otps),
        secrets=_by_person_secrets(lambda w: w.otps),
        companions=lambda w, i, r: {"person_id": w.otps[i].person_id},
        table=PhoneVerification,
    ),
    "target": Kind(
        "target",
        ids=lambda w: list(w.targets),
        outside=lambda w, v, i: _target_unit(w, i) not in v.subtree,
        companions=lambda w, i, r: {"unit_id": w.targets[i].unit_id},
        table=RecruitmentTarget,
    ),
    "post": Kind(
        "post",
        ids=lambda w: list(w.posts),
        outside=lambda w, v, i: _post_outside(w, v, i),
        secrets=lambda w, v, i: [w.posts[i].text],
        table=Post,
    ),
    "narrative": Kind(
        "narrative",
        ids=lambda w: list(w.narratives),
        outside=lambda w, v, i: _narrative_outside(w, v, i),
        secrets=lambda w, v, i: [w.narratives[i].title],
        table=Narrative,
    ),
    "source": Kind(
        "source",
        ids=lambda w: list(w.sources),
        outside=lambda w, v, i: _source_outside(w, v, i),
        secrets=lambda w, v, i: [w.sources[i].name],
        table=Source,
    ),
    # WhatsApp groups only (the upload page): in scope means in the user's subtree.
    "group": Kind(
        "group",
        ids=lambda w: [i for i, s in w.sources.items() if s.kind == SourceKind.WHATSAPP_EXPORT],
        outside=lambda w, v, i: _source_outside(w, v, i),
        secrets=lambda w, v, i: [w.sources[i].name],
        table=Source,
    ),
    "watchlist": Kind(
        "watchlist",
        ids=lambda w: list(w.watchlists),
        outside=lambda w, v, i: w.watchlists[i].unit_id not in v.subtree,
        secrets=lambda w, v, i: [w.watchlists[i].name],
        table=Watchlist,
    ),
    "alert": Kind(
        "alert",
        ids=lambda w: list(w.alerts),
        outside=lambda w, v, i: w.alerts[i].unit_id not in v.subtree,
        secrets=lambda w, v, i: [w.alerts[i].message],
        table=Alert,
    ),
    "upload": Kind(
        "upload",
        ids=lambda w: list(w.uploads),
        outside=lambda w, v, i: _source_outside(w, v, w.uploads[i].source_id),
        secrets=lambda w, v, i: [w.uploads[i].filename],
        companions=lambda w, i, r: {"source_id": w.uploads[i].source_id},
        table=ExportUpload,
    ),
    # Booth groups (issue #5): in scope when the booth is in the user's subtree.
    "booth_group": Kind(
        "booth_group",
        ids=lambda w: list(w.booth_groups),
        outside=lambda w, v, i: w.booth_groups[i].booth_id not in v.subtree,
        secrets=lambda w, v, i: [
            w.booth_groups[i].name,
            w.booth_groups[i].invite_link,
            w.booth_groups[i].join_token,
        ],
        companions=lambda w, i, r: {"unit_id": w.booth_groups[i].booth_id},
        table=BoothGroup,
    ),
    # Content: kits and distributions belong to a unit's subtree.
    "item": Kind(
        "item",
        ids=lambda w: list(w.items),
        outside=lambda w, v, i: w.items[i].unit_id not in v.subtree,
        secrets=lambda w, v, i: [w.items[i].title],
        table=ContentItem,
    ),
    "distribution": Kind(
        "distribution",
        ids=lambda w: list(w.distributions),
        outside=lambda w, v, i: w.distributions[i].unit_id not in v.subtree,
        table=Distribution,
    ),
    # A delivery in the volunteer app is its recipient's alone.
    "delivery": Kind(
        "delivery",
        ids=lambda w: list(w.deliveries),
        outside=lambda w, v, i: w.deliveries[i].person_id != v.user.person_id,
        table=Delivery,
    ),
    # A dead letter (a delivery that failed for good) belongs to its sender's subtree.
    "dead_letter": Kind(
        "dead_letter",
        ids=lambda w: [i for i, d in w.deliveries.items() if d.status == DeliveryStatus.DEAD],
        outside=lambda w, v, i: (
            w.distributions[w.deliveries[i].distribution_id].unit_id not in v.subtree
        ),
        table=Delivery,
    ),
    # A kit's media, in the volunteer app: only for the people the kit reached.
    "media": Kind(
        "media",
        ids=lambda w: list(w.media),
        outside=lambda w, v, i: not _media_reached(w, v, i),
        companions=lambda w, i, r: _media_delivery(w, i),
        table=MediaAsset,
    ),
    # Fact-checks are public knowledge, not scoped by unit: outside only for users who may not
    # read the knowledge base at all.
    "factcheck": Kind(
        "factcheck",
        ids=lambda w: list(w.factchecks),
        outside=lambda w, v, i: not factcheck_selectors.can_read(user=v.user),
        secrets=lambda w, v, i: [w.factchecks[i].claim_reviewed],
        table=FactCheck,
    ),
    # War room: incidents (and their responses) belong to the incident's unit; templates to their
    # unit, or to everyone when they have none; shifts to their unit.
    "incident": Kind(
        "incident",
        ids=lambda w: list(w.incidents),
        outside=lambda w, v, i: w.incidents[i].unit_id not in v.subtree,
        secrets=lambda w, v, i: [w.incidents[i].title, w.incidents[i].claim],
        table=Incident,
    ),
    "response": Kind(
        "response",
        ids=lambda w: list(w.responses),
        outside=lambda w, v, i: w.incidents[w.responses[i].incident_id].unit_id not in v.subtree,
        secrets=lambda w, v, i: [w.responses[i].text_hi],
        table=WarroomResponse,
    ),
    "template": Kind(
        "template",
        ids=lambda w: list(w.templates),
        outside=lambda w, v, i: (
            w.templates[i].unit_id is not None and w.templates[i].unit_id not in v.subtree
        ),
        secrets=lambda w, v, i: [w.templates[i].name],
        table=ResponseTemplate,
    ),
    "shift": Kind(
        "shift",
        ids=lambda w: list(w.shifts),
        outside=lambda w, v, i: w.shifts[i].unit_id not in v.subtree,
        secrets=lambda w, v, i: [w.shifts[i].handover_note],
        table=Shift,
    ),
    "user": Kind(
        "user",
        ids=lambda w: list(w.users),
        outside=lambda w, v, i: w.users[i].unit_id not in v.subtree,
        table=User,
    ),
}

# Parameter names -> kind. Several names address units (a page per level, a parent ...).
REGISTRY: dict[str, str] = {
    "unit_id": "unit",
    "parent_id": "unit",
    "scope_id": "unit",
    "state_id": "unit",
    "district_id": "unit",
    "pc_id": "unit",
    "ac_id": "unit",
    "mandal_id": "unit",
    "sector_id": "unit",
    "booth_id": "unit",
    "person_id": "person",
    "assignment_id": "assignment",
    "position_id": "assignment",
    "directive_id": "directive",
    "recipient_id": "recipient",
    "job_id": "job",
    "import_id": "job",
    "flag_id": "flag",
    "consent_id": "consent",
    "otp_id": "otp",
    "verification_id": "otp",
    "target_id": "target",
    "user_id": "user",
    "post_id": "post",
    "narrative_id": "narrative",
    "source_id": "source",
    "group_id": "group",
    "watchlist_id": "watchlist",
    "alert_id": "alert",
    "upload_id": "upload",
    "booth_group_id": "booth_group",
    "item_id": "item",
    "distribution_id": "distribution",
    "delivery_id": "delivery",
    "dead_letter_id": "dead_letter",
    "media_id": "media",
    "factcheck_id": "factcheck",
    "incident_id": "incident",
    "response_id": "response",
    "template_id": "template",
    "shift_id": "shift",
}

# Parameters that address no scoped object: filled with a plausible value, never probed.
UNSCOPED: dict[str, Callable[[World, random.Random], str]] = {
    "year": lambda w, r: str(r.choice([2014, 2017, 2019, 2022, 2024])),
    "page": lambda w, r: "1",
    # The position catalogue is the same for everyone.
    "kind_id": lambda w, r: str(r.choice(list(w.kinds))) if w.kinds else "1",
}

# Parameters that address a unit by its materialised path (`UP/D47/AC173`).
PATH_PARAMS: frozenset[str] = frozenset({"unit_path", "path"})


# --- discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    is_int: bool


@dataclass(frozen=True)
class Target:
    """Where an object id goes in a request: a path parameter, a query parameter or a body field."""

    where: str  # "path" | "query" | "body"
    name: str
    many: bool = False  # a list of ids in the body (`unit_ids`)

    @property
    def kind(self) -> str:
        return REGISTRY.get(self.name[:-1] if self.many else self.name, "unit")

    @property
    def by_path(self) -> bool:
        return self.name in PATH_PARAMS


def _target_for(where: str, name: str) -> Target | None:
    if name in REGISTRY or name in PATH_PARAMS:
        return Target(where, name)
    if where == "body" and name.endswith("_ids") and name[:-1] in REGISTRY:
        return Target(where, name, many=True)
    return None


@dataclass
class Endpoint:
    route: str  # as written in the urlconf, e.g. "directives/<int:directive_id>/"
    template: str  # "directives/{directive_id}/"
    params: list[Param]
    methods: list[str]
    ninja: bool = False
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)  # method -> minimal request
    extra: dict[str, list[Target]] = field(default_factory=dict)  # method -> query/body targets

    @property
    def int_params(self) -> list[str]:
        return [p.name for p in self.params if p.is_int]

    def targets(self, method: str) -> list[Target]:
        path = [t for p in self.params if (t := _target_for("path", p.name)) is not None]
        return path + self.extra.get(method, [])

    def probed(self) -> bool:
        return any(self.targets(m) for m in self.methods)

    def label(self) -> str:
        return f"{','.join(self.methods)} /{self.route}"


_ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def _segment(pattern: Any) -> tuple[str, str, dict[str, bool]]:
    """(route text, template, {param: is_int}) of one pattern segment."""
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        kinds = {name: isinstance(conv, IntConverter) for name, conv in pattern.converters.items()}
        return route, _ROUTE_PARAM.sub(lambda m: "{" + m["name"] + "}", route), kinds
    if isinstance(pattern, RegexPattern):
        regex = str(pattern)
        kinds = {m["name"]: m["body"] in (r"\d+", "[0-9]+") for m in _REGEX_GROUP.finditer(regex)}
        template = _REGEX_GROUP.sub(lambda m: "{" + m["name"] + "}", regex)
        template = template.lstrip("^").rstrip("$").replace("\\", "")
        return regex, template, kinds
    text = str(pattern)
    return text, text, {}


def _ninja_path_view(callback: Any) -> Any:
    """The Ninja PathView behind a Ninja URL pattern, or None for a plain Django view."""
    from ninja.operation import PathView

    func = getattr(callback, "__wrapped__", callback)
    if not inspect.isfunction(func) or not func.__closure__:
        return None
    for name, cell in zip(func.__code__.co_freevars, func.__closure__, strict=True):
        if name == "self" and isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _walk(
    patterns: Sequence[Any],
    route: str = "",
    template: str = "",
    kinds: dict[str, bool] | None = None,
) -> Iterator[tuple[str, str, dict[str, bool], URLPattern]]:
    for p in patterns:
        seg_route, seg_template, seg_kinds = _segment(p.pattern)
        merged = {**(kinds or {}), **seg_kinds}
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, route + seg_route, template + seg_template, merged)
        elif isinstance(p, URLPattern):
            yield route + seg_route, template + seg_template, merged, p


def discover() -> list[Endpoint]:
    """Every URL pattern of the configured urlconf (a Ninja path's operations merged)."""
    found: dict[str, Endpoint] = {}
    schemas: dict[int, dict[str, Any]] = {}
    for route, template, kinds, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES) or route in found:
            continue
        path_view = _ninja_path_view(pattern.callback)
        if path_view is None:
            found[route] = Endpoint(
                route=route,
                template=template,
                params=[Param(n, is_int) for n, is_int in kinds.items()],
                methods=list(DJANGO_METHODS),
            )
        else:
            found[route] = _ninja_endpoint(route, template, kinds, path_view, schemas)
    return sorted(found.values(), key=lambda e: e.route)


def _ninja_endpoint(
    route: str,
    template: str,
    kinds: dict[str, bool],
    path_view: Any,
    schemas: dict[int, dict[str, Any]],
) -> Endpoint:
    """A Ninja path: its methods, int parameters (by annotation) and minimal requests."""
    endpoint = Endpoint(route=route, template=template, params=[], methods=[], ninja=True)
    is_int = dict(kinds)
    for op in path_view.operations:
        try:
            hints = typing.get_type_hints(op.view_func)
        except Exception:  # unresolvable hints: fall back to the name
            hints = {}
        for name in kinds:
            hint = hints.get(name)
            if hint is int or (hint is None and name.endswith("_id")):
                is_int[name] = True
        schema = _openapi(op.api, schemas)
        spec = schema.get("paths", {}).get("/" + template, {})
        defs = schema.get("components", {}).get("schemas", {})
        for method in op.methods:
            op_spec = spec.get(method.lower(), {})
            endpoint.methods.append(method)
            endpoint.requests[method] = _minimal_request(op_spec, defs)
            endpoint.extra[method] = _extra_targets(op_spec, defs)
    endpoint.params = [Param(n, i) for n, i in is_int.items()]
    return endpoint


def _openapi(api: Any, cache: dict[int, dict[str, Any]]) -> dict[str, Any]:
    if api is None:
        return {}
    if id(api) not in cache:
        try:
            cache[id(api)] = dict(api.get_openapi_schema())
        except Exception:  # a broken schema only costs us the minimal bodies
            cache[id(api)] = {}
    return cache[id(api)]


def _body_schema(spec: dict[str, Any], defs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    content = spec.get("requestBody", {}).get("content", {})
    for media in ("application/json", "multipart/form-data"):
        if media in content:
            return media, _resolve(content[media].get("schema", {}), defs)
    return "", {}


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _resolve(defs.get(ref.rsplit("/", 1)[-1], {}), defs)
    return schema


def _extra_targets(spec: dict[str, Any], defs: dict[str, Any]) -> list[Target]:
    """Query parameters and top-level body fields that carry an object id."""
    found = [
        t
        for p in spec.get("parameters", [])
        if p.get("in") == "query" and (t := _target_for("query", p.get("name", ""))) is not None
    ]
    _, body = _body_schema(spec, defs)
    for options in body.get("anyOf", []) or [body]:
        for name in _resolve(options, defs).get("properties", {}):
            target = _target_for("body", name)
            if target is not None:
                found.append(target)
    return found


def _minimal_request(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A minimal valid request for an operation: required query values and a body."""
    request: dict[str, Any] = {"query": {}}
    for p in spec.get("parameters", []):
        if p.get("in") == "query" and p.get("required"):
            request["query"][p["name"]] = _minimal(p.get("schema", {}), defs, name=p["name"])
    media, body = _body_schema(spec, defs)
    if media == "application/json":
        request["json"] = _minimal(body, defs)
    elif media == "multipart/form-data":
        form = _minimal(body, defs)
        request["form"] = form if isinstance(form, dict) else {}
    return request


FILE_SENTINEL = "__probe_file__"
# Plausible values for fields that services validate beyond their type.
NAMED_VALUES: dict[str, Any] = {
    "name": "Probe Name",
    "title": "Probe title",
    "phone": "+919999999999",
    "date_of_birth": "1990-01-01",
    "code": "000000",
}


def _minimal(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0, name: str = "") -> Any:
    """The smallest value that a JSON schema accepts (required fields only)."""
    if depth > 8:
        return None
    schema = _resolve(schema, defs)
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if options:
            if key != "allOf" and any(o.get("type") == "null" for o in options):
                return None
            return _minimal(options[0], defs, depth + 1, name)
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            prop: _minimal(props.get(prop, {}), defs, depth + 1, prop)
            for prop in schema.get("required", [])
        }
    if kind == "array":
        item = _minimal(schema.get("items", {}), defs, depth + 1, name)
        return [item] * int(schema.get("minItems", 0))
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format", "")
        if fmt == "binary":
            return FILE_SENTINEL
        if name in NAMED_VALUES:
            return NAMED_VALUES[name]
        return {
            "date": "2030-01-01",
            "date-time": "2030-01-01T00:00:00+05:30",
            "email": "probe@example.com",
            "uri": "https://example.com/",
        }.get(fmt, "x" * max(1, int(schema.get("minLength", 1))))
    return None


# --- the world builder -------------------------------------------------------------------------


@dataclass
class Sizes:
    districts: int = 4
    acs_per_district: int = 3
    mandals_per_ac: int = 2
    sectors_per_mandal: int = 2
    booths_per_sector: int = 3
    users: int = 32
    persons: int = 90
    directives: int = 24
    jobs: int = 10


def build_world(*, rng: random.Random, sizes: Sizes) -> World:
    """A random tree with users and objects in it, written with the ORM directly."""
    tree = build_tree(
        code=PROBE_CODE,
        districts=sizes.districts,
        acs_per_district=sizes.acs_per_district,
        mandals_per_ac=sizes.mandals_per_ac,
        sectors_per_mandal=sizes.sectors_per_mandal,
        booths_per_sector=sizes.booths_per_sector,
        rng=rng,
    )
    units = tree.all_units
    w = World(units={u.id: u for u in units})
    by_id = w.units
    w.kinds = {k.id: k for k in PositionKind.objects.all()}
    kinds_by_level: dict[str, list[PositionKind]] = defaultdict(list)
    for kind in w.kinds.values():
        kinds_by_level[kind.level].append(kind)
    token = f"{rng.randrange(16**6):06x}"

    # Users: a random role (sometimes two) on a random unit of any level; one with no unit.
    roles = list(Role.values)
    for n in range(sizes.users):
        unit = rng.choice(units)
        user = User.objects.create_user(
            username=f"probe-{token}-{n}",
            first_name="Probe",
            last_name=f"User{n}",
            unit=unit,
        )
        for role in rng.sample(roles, k=rng.choice((1, 1, 1, 2))):
            RoleGrant.objects.create(user=user, role=role)
        w.users[user.id] = user
    nobody = User.objects.create_user(username=f"probe-{token}-nounit")
    RoleGrant.objects.create(user=nobody, role=Role.STATE_HEAD)
    w.users[nobody.id] = nobody

    # Persons: unique names and phones, a home unit (or none), zero to three positions.
    phones: set[str] = set()
    while len(phones) < sizes.persons:
        batch = {f"+916{rng.randrange(10**9):09d}" for _ in range(sizes.persons - len(phones))}
        # Never reuse a number already on record (the probe may run against a live database).
        phones |= batch - set(
            Person.objects.filter(phone__in=batch).values_list("phone", flat=True)
        )
    free_phones = sorted(phones)
    seats: set[tuple[int, int, int]] = set(
        Assignment.objects.filter(unit_id__in=list(by_id))
        .exclude(status=AssignmentStatus.ENDED)
        .values_list("unit_id", "kind_id", "seat")
    )
    persons: list[Person] = []
    for n in range(sizes.persons):
        phone = free_phones[n]
        devanagari = rng.random() < 0.5
        name = f"प्रोबव्यक्ति {token}{n:03d}" if devanagari else f"Probeperson {token}{n:03d}"
        home = rng.choice(units) if rng.random() < 0.7 else None
        persons.append(
            Person.objects.create(name=name, phone=phone, home_unit=home, source="probe")
        )
    w.persons = {p.id: p for p in persons}
    for person in persons:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            unit = rng.choice(units)
            choices = kinds_by_level.get(unit.level, [])
            if not choices:
                continue
            kind = rng.choice(choices)
            status = rng.choice(list(AssignmentStatus.values))
            seat = 1
            while (unit.id, kind.id, seat) in seats:
                seat += 1
            if status != AssignmentStatus.ENDED:
                if any(
                    a.person_id == person.id
                    and a.unit_id == unit.id
                    and a.kind_id == kind.id
                    and a.status != AssignmentStatus.ENDED
                    for a in w.assignments.values()
                ):
                    continue
                seats.add((unit.id, kind.id, seat))
            a = Assignment.objects.create(
                person=person,
                unit=unit,
                kind=kind,
                seat=seat,
                status=status,
                ended_at=timezone.now() if status == AssignmentStatus.ENDED else None,
            )
            w.assignments[a.id] = a
    booth_recount(booth_ids=[u.id for u in units if u.level == Level.BOOTH])

    # Consents, sign-up flags, OTPs on random persons.
    for person in rng.sample(persons, k=min(len(persons), 40)):
        c = ConsentEvent.objects.create(
            person=person,
            purpose=rng.choice(list(ConsentPurpose.values)),
            channel=rng.choice(list(ConsentChannel.values)),
            action=rng.choice(list(ConsentAction.values)),
            notice_version="probe",
            source="probe",
        )
        w.consents[c.id] = c
    for person in rng.sample(persons, k=min(len(persons), 12)):
        f = SignupFlag.objects.create(
            person=person, kind=rng.choice(list(FlagKind.values)), other_person=rng.choice(persons)
        )
        w.flags[f.id] = f
    for person in rng.sample(persons, k=min(len(persons), 6)):
        o = PhoneVerification.objects.create(
            person=person, code_hash="probe", expires_at=timezone.now()
        )
        w.otps[o.id] = o
    for unit in rng.sample(units, k=min(len(units), 12)):
        t = RecruitmentTarget.objects.create(unit=unit, volunteers=rng.randint(5, 500))
        w.targets[t.id] = t

    # Directives: sent by a user with a unit to random units strictly below it (or a level).
    senders = [u for u in w.users.values() if u.unit_id is not None]
    parents = {u.parent_id for u in units} | {u.pc_id for u in units if u.level == Level.AC}
    directive_senders = [u for u in senders if u.unit_id in parents] or senders
    for n in range(sizes.directives):
        sender = rng.choice(directive_senders)
        assert sender.unit_id is not None
        root = by_id[sender.unit_id]
        below = [by_id[i] for i in subtree_of(root, by_id) if i != root.id]
        if not below:
            continue
        if rng.random() < 0.4:
            level = rng.choice(sorted({u.level for u in below}))
            chosen = [u for u in below if u.level == level]
        else:
            chosen = rng.sample(below, k=rng.randint(1, min(len(below), 8)))
        d = Directive.objects.create(
            title=f"Probedirective {token}{n:03d}",
            body=f"Probebody {token}{n:03d}",
            sender=sender,
            sender_unit=root,
        )
        w.directives[d.id] = d
        rows = DirectiveRecipient.objects.bulk_create(
            [DirectiveRecipient(directive=d, unit=u) for u in chosen]
        )
        for row in rows:
            if rng.random() < 0.3:
                row.acknowledged_at = timezone.now()
                row.save(update_fields=["acknowledged_at"])
    for row in DirectiveRecipient.objects.filter(directive_id__in=list(w.directives)):
        w.recipients[row.id] = row

    # Import jobs with a small file, created by a user who sees their scope.
    for n in range(sizes.jobs):
        scope = rng.choice(units)
        creators = [
            u
            for u in senders
            if u.unit_id is not None and scope.id in subtree_of(by_id[u.unit_id], by_id)
        ]
        job = ImportJob(
            created_by=rng.choice(creators) if creators else None,
            scope=scope,
            filename=f"probejob-{token}-{n:03d}.csv",
            rows_total=1,
        )
        job.file.save(job.filename, ContentFile(b"name,phone\nRam,9812345610\n"), save=False)
        job.save()
        w.jobs[job.id] = job

    _build_listening(w, rng=rng, units=units, token=token)
    _build_booth_groups(w, rng=rng, units=units, token=token)
    _build_content(w, rng=rng, units=units, token=token)
    _build_factchecks(w, token=token)
    wr = warroom_probe_world.build(
        rng=rng,
        units=units,
        token=token,
        users=[u for u in w.users.values() if u.unit_id is not None],
    )
    w.incidents, w.responses, w.templates, w.shifts = (
        wr.incidents,
        wr.responses,
        wr.templates,
        wr.shifts,
    )

    for pid, a in ((a.person_id, a) for a in w.assignments.values()):
        w.person_units.setdefault(pid, set()).add(a.unit_id)
    for r in w.recipients.values():
        w.directive_units.setdefault(r.directive_id, set()).add(r.unit_id)
        w.directive_recipients.setdefault(r.directive_id, []).append(r.id)
    return w


def _build_listening(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    """Group sources with private posts, a public source, narratives mixing them, watchlists
    and alerts at random units."""
    now = timezone.now()
    public = Source.objects.create(kind=SourceKind.X_SEARCH, name=f"Probesource {token} public")
    w.sources[public.id] = public
    groups = []
    for n in range(6):
        unit = rng.choice(units)
        g = Source.objects.create(
            kind=SourceKind.WHATSAPP_EXPORT, name=f"Probegroup {token}{n:02d}", unit=unit
        )
        w.sources[g.id] = g
        groups.append(g)
        up = ExportUpload.objects.create(
            source=g,
            sha256=f"{token}{n:02d}".ljust(64, "0"),
            filename=f"probechat-{token}{n:02d}.txt",
        )
        w.uploads[up.id] = up
    for n in range(10):
        narrative = Narrative.objects.create(
            title=f"Probenarrative {token}{n:02d}", first_seen=now, last_seen=now
        )
        w.narratives[narrative.id] = narrative
        members = rng.sample(groups, k=rng.randint(1, 2))
        if rng.random() < 0.3:
            members.append(public)
        for m, source in enumerate(members):
            private = source.kind == SourceKind.WHATSAPP_EXPORT
            post = Post.objects.create(
                source=source,
                platform="whatsapp" if private else "x",
                external_id=f"{token}-{n}-{m}",
                unit=source.unit,
                district_id=source.unit.district_id if source.unit else None,
                is_private=private,
                text=f"Probepost {token}{n:02d}{m}",
                posted_at=now,
                processed_at=now,
                status=2,
                narrative=narrative,
            )
            w.posts[post.id] = post
            w.narrative_posts.setdefault(narrative.id, []).append(post.id)
        if not any(not w.posts[p].is_private for p in w.narrative_posts[narrative.id]):
            continue
        Narrative.objects.filter(id=narrative.id).update(has_public=True)
    creator = next(iter(w.users.values()))
    for n in range(5):
        wl = Watchlist.objects.create(
            name=f"Probewatch {token}{n:02d}", unit=rng.choice(units), created_by=creator
        )
        w.watchlists[wl.id] = wl
        a = Alert.objects.create(
            kind=AlertKind.WATCH,
            unit=rng.choice(units),
            watchlist=wl,
            narrative=rng.choice(list(w.narratives.values())),
            message=f"Probealert {token}{n:02d}",
        )
        w.alerts[a.id] = a


def _build_booth_groups(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    """Booth groups on random booths, some with admins, a count history and a citizen join."""
    booths = [u for u in units if u.level == Level.BOOTH]
    persons = list(w.persons.values())
    for n in range(8):
        booth = rng.choice(booths)
        g = BoothGroup.objects.create(
            booth=booth,
            platform="whatsapp",
            name=f"Probeboothgroup {token}{n:02d}",
            cap=1024,
            member_count=40 + n,
            invite_link=f"https://chat.whatsapp.com/Probe{token}{n:02d}".ljust(40, "x"),
            join_token=f"probetoken{token}{n:02d}",
            archived_at=timezone.now() if n == 7 else None,
        )
        if persons and rng.random() < 0.6:
            g.admins.set(rng.sample(persons, k=min(len(persons), rng.randint(1, 2))))
        MemberCountReport.objects.create(group=g, count=40 + n, delta=40 + n)
        if persons:
            GroupJoin.objects.create(group=g, person=rng.choice(persons))
        w.booth_groups[g.id] = g


# The smallest valid PNG (1×1), so media routes have a real file to serve.
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _build_content(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    """Kits with media on random units, each sent once: per kit one recipient with a login
    (some users are volunteers), others without; statuses mixed, some dead letters."""
    persons = list(w.persons.values())
    free = [u for u in w.users.values() if u.person_id is None and u.unit_id is not None]
    linked: list[Person] = []
    for user, person in zip(
        rng.sample(free, k=min(6, len(free))), rng.sample(persons, k=6), strict=False
    ):
        user.person = person
        user.save(update_fields=["person"])
        linked.append(person)
    authors = [u for u in w.users.values() if u.unit_id is not None]
    statuses = [
        DeliveryStatus.SENT,
        DeliveryStatus.DELIVERED,
        DeliveryStatus.DEAD,
        DeliveryStatus.QUEUED,
    ]
    for n in range(8):
        unit = rng.choice(units)
        item = ContentItem.objects.create(
            unit=unit,
            title=f"Probekit {token}{n:02d}",
            text_hi="probe",
            state=ItemState.SENT,
            author=rng.choice(authors),
        )
        w.items[item.id] = item
        asset = MediaAsset(
            item=item,
            kind=MediaKind.IMAGE,
            filename="p.png",
            mime="image/png",
            size=len(_PNG),
            sha256="0" * 64,
        )
        asset.file.save(f"probe-{token}-{n}.png", ContentFile(_PNG), save=False)
        asset.save()
        w.media[asset.id] = asset
        distribution = Distribution.objects.create(item=item, unit=unit)
        w.distributions[distribution.id] = distribution
        recipients = rng.sample([p for p in persons if p not in linked], k=4)
        if linked:
            recipients.append(linked[n % len(linked)])
        for person in recipients:
            status = DeliveryStatus.SENT if person in linked else rng.choice(statuses)
            d = Delivery.objects.create(
                distribution=distribution,
                person=person,
                channel="push",
                unit_id_at=unit.id,
                status=status,
                sent_at=timezone.now() if status != DeliveryStatus.QUEUED else None,
                last_error="probe" if status == DeliveryStatus.DEAD else "",
            )
            w.deliveries[d.id] = d


def _build_factchecks(w: World, *, token: str) -> None:
    for n in range(4):
        fc = FactCheck.objects.create(
            url=f"https://factcheck.example/probe-{token}-{n}",
            claim_reviewed=f"Probeclaim {token}{n:02d} about a viral video",
            rating="False",
            verdict="false",
            publisher="Probe Checkers",
        )
        w.factchecks[fc.id] = fc


def make_viewer(w: World, user: User) -> Viewer:
    root = w.units.get(user.unit_id) if user.unit_id is not None else None
    subtree = subtree_of(root, w.units)
    around: set[int] = set()
    if root is not None:
        around = {u.id for u in w.units.values() if _under(root.path, u.path)}
        if root.pc_id is not None:
            around.add(root.pc_id)
    viewer = Viewer(user=user, subtree=subtree, root=root, around=frozenset(around))
    for name, kind in KINDS.items():
        ids = kind.ids(w)
        viewer.outside[name] = [i for i in ids if kind.outside(w, viewer, i)]
        hidden = set(viewer.outside[name])
        viewer.inside[name] = [i for i in ids if i not in hidden]
    return viewer


# --- probing -----------------------------------------------------------------------------------


@dataclass
class ProbeReport:
    probes: int
    leaks: list[str]
    endpoints: list[str]  # the probed routes ("/directives/<int:directive_id>/")
    methods: dict[str, list[str]] = field(default_factory=dict)
    unprobed: list[str] = field(default_factory=list)  # routes with nothing to put an id in
    unregistered: list[str] = field(default_factory=list)
    aggregates: int = 0
    validation_first: list[str] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)
    users: int = 0
    objects: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    seed: int = 0


class _Rollback(Exception):  # noqa: N818 - control flow, not an error
    def __init__(self, answer: Answer) -> None:
        self.answer = answer


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    is_json: bool

    @classmethod
    def of(cls, response: HttpResponseBase) -> Answer:
        is_json = response.get("Content-Type", "").startswith("application/json")
        return cls(response.status_code, _text(response, is_json=is_json), is_json)


@dataclass
class _Call:
    method: str
    url: str
    request: dict[str, Any]

    def shown(self) -> str:
        query = self.request.get("query") or {}
        return f"{self.method} {self.url}" + (f"?{urlencode(query)}" if query else "")


class Prober:
    def __init__(self, *, world: World, viewers: list[Viewer], rng: random.Random) -> None:
        self.world = world
        self.viewers = viewers
        self.rng = rng
        self.clients: dict[int, Client] = {}
        self.leaks: list[str] = []
        self.validation_first: set[str] = set()
        self.reached: set[str] = set()
        self.cache: dict[tuple[int, str, str, str], Answer | str] = {}
        self.max_ids: dict[str, int] = {}
        for name, kind in KINDS.items():
            top = kind.table.objects.aggregate(m=Max("id"))["m"] if kind.table else None
            self.max_ids[name] = int(top or 0)

    def client(self, user: User) -> Client:
        """One logged-in client per user, reused for all of that user's probes."""
        c = self.clients.get(user.id)
        if c is None:
            c = Client(raise_request_exception=True)
            if self.clients:
                # One handler (one middleware chain) for all users; only cookies differ.
                c.handler = next(iter(self.clients.values())).handler
            c.force_login(user)
            self.clients[user.id] = c
        return c

    # -- building requests

    def value(self, target: Target, object_id: int) -> Any:
        one: Any = self.world.units[object_id].path if target.by_path else object_id
        return [one] if target.many else one

    def missing(self, target: Target) -> Any:
        top = self.max_ids.get(target.kind, 0) + NONEXISTENT_OFFSET
        one: Any = f"{PROBE_CODE}/X{top}" if target.by_path else top
        return [one] if target.many else one

    def fill(
        self, endpoint: Endpoint, viewer: Viewer, fixed: dict[str, Any]
    ) -> dict[str, str] | None:
        """Values for every path parameter: `fixed` ones, the others inside the user's scope."""
        values = dict(fixed)
        for p in endpoint.params:
            if p.name in values:
                continue
            if p.name in UNSCOPED:
                values[p.name] = UNSCOPED[p.name](self.world, self.rng)
                continue
            target = _target_for("path", p.name)
            if target is None:
                return None
            pool = viewer.inside.get(target.kind) or list(KINDS[target.kind].ids(self.world))
            if not pool:
                return None
            values[p.name] = self.value(target, self.rng.choice(pool))
        return {k: str(v) for k, v in values.items()}

    def build(
        self,
        endpoint: Endpoint,
        method: str,
        viewer: Viewer,
        target: Target,
        value: Any,
        object_id: int,
    ) -> _Call | None:
        """The request putting `value` at the target, the rest of it valid and in scope."""
        fixed: dict[str, Any] = {}
        if target.where == "path":
            fixed[target.name] = value
            names = {p.name for p in endpoint.params}
            companions = KINDS[target.kind].companions(self.world, object_id, self.rng)
            for name, other in companions.items():
                if name in names and name not in fixed:
                    fixed[name] = other
        values = self.fill(endpoint, viewer, fixed)
        if values is None:
            return None
        request = _copy_request(endpoint.requests.get(method, {}))
        if target.where == "query":
            request["query"][target.name] = value
        elif target.where == "body":
            key = "json" if "json" in request else "form"
            body = request.get(key)
            request[key] = {**(body if isinstance(body, dict) else {}), target.name: value}
        return _Call(method, self.url(endpoint, values), request)

    def url(self, endpoint: Endpoint, values: dict[str, str]) -> str:
        out = endpoint.template
        for name, value in values.items():
            out = out.replace("{" + name + "}", value)
        return "/" + out

    def request(self, viewer: Viewer, call: _Call) -> Answer | str:
        """Send one request in a savepoint that is always rolled back; a crash comes back as text."""
        client = self.client(viewer.user)
        request = call.request
        url = call.url
        if request.get("query"):
            url += "?" + urlencode(request["query"], doseq=True)
        try:
            with transaction.atomic():
                if "json" in request:
                    response = client.generic(
                        call.method,
                        url,
                        json.dumps(request["json"]),
                        content_type="application/json",
                    )
                elif call.method == "GET":
                    response = client.get(url)
                elif call.method == "POST":
                    response = client.post(url, _with_files(request.get("form") or {}))
                else:
                    response = client.generic(call.method, url, b"")
                # Read the body before the savepoint goes: a stream may still query.
                raise _Rollback(Answer.of(response))
        except _Rollback as done:
            return done.answer
        except Exception as exc:  # a crash is reported as a leak, not raised
            return f"{type(exc).__name__}: {exc}"[:300]

    def request_cached(self, viewer: Viewer, call: _Call) -> Answer | str:
        """`request` for the nonexistent-id comparisons, which repeat (a filter's `?unit_id=`)."""
        key = (
            viewer.user.id,
            call.method,
            call.url,
            json.dumps(call.request, sort_keys=True, default=str),
        )
        if key not in self.cache:
            self.cache[key] = self.request(viewer, call)
        return self.cache[key]

    # -- probing

    def probe_one(self, endpoint: Endpoint, method: str, viewer: Viewer, target: Target) -> bool:
        """One request with an out-of-scope object at the target; False if none could be built."""
        pool = viewer.outside.get(target.kind, [])
        if not pool:
            return False
        object_id = self.rng.choice(pool)
        call = self.build(
            endpoint, method, viewer, target, self.value(target, object_id), object_id
        )
        if call is None:
            return False
        result = self.request(viewer, call)
        self.judge(endpoint, viewer, call, result, target, object_id)
        return True

    def judge(
        self,
        endpoint: Endpoint,
        viewer: Viewer,
        call: _Call,
        result: Answer | str,
        target: Target,
        object_id: int,
    ) -> None:
        where = f"{call.shown()} as {_who(viewer)}"
        if target.where != "path":
            where += f" ({target.where} {target.name}={object_id})"
        if isinstance(result, str):
            self.leaks.append(f"{where} -> exception {result}")
            return
        status = result.status
        body = result.text
        secrets = KINDS[target.kind].secrets(self.world, viewer, object_id)
        shown = [s for s in secrets if s and _mentions(body, s)]
        if shown:
            self.leaks.append(f"{where} -> {status} shows {shown[0]!r}")
            return
        if status in (404, 405):
            return
        if status in (400, 422) or target.where != "path":
            # Input validated before the lookup, or a filter/field: harmless only if an id that
            # does not exist gets the very same answer (nothing about the object is revealed).
            other = self.request_cached(viewer, self.swap(endpoint, call, target))
            if not isinstance(other, str) and other.status == status and other.text == body:
                if status in (400, 422):
                    self.validation_first.add(f"{call.method} /{endpoint.route} ({status})")
                return
        self.leaks.append(f"{where} -> {status}")

    def swap(self, endpoint: Endpoint, call: _Call, target: Target) -> _Call:
        """The same request with the target replaced by an id that does not exist."""
        missing = self.missing(target)
        request = _copy_request(call.request)
        url = call.url
        if target.where == "query":
            request["query"][target.name] = missing
        elif target.where == "body":
            key = "json" if "json" in request else "form"
            request[key] = {**request[key], target.name: missing}
        else:
            url = _swap_segment(call.url, endpoint, target.name, str(missing))
        return _Call(call.method, url, request)

    def reach(self, endpoint: Endpoint, method: str) -> None:
        """Positive control: with an object in scope, something other than a 404 comes back."""
        targets = endpoint.targets(method)
        for _ in range(30 if targets else 0):
            target = self.rng.choice(targets)
            viewers = [v for v in self.viewers if v.inside.get(target.kind)]
            if not viewers:
                continue
            viewer = self.rng.choice(viewers)
            object_id = self.rng.choice(viewer.inside[target.kind])
            call = self.build(
                endpoint, method, viewer, target, self.value(target, object_id), object_id
            )
            if call is None:
                continue
            result = self.request(viewer, call)
            if not isinstance(result, str) and result.status != 404:
                self.reached.add(f"{method} /{endpoint.route}")
                return


def _copy_request(request: dict[str, Any]) -> dict[str, Any]:
    out = dict(request)
    out["query"] = dict(request.get("query") or {})
    for key in ("json", "form"):
        if isinstance(out.get(key), dict):
            out[key] = dict(out[key])
    return out


def _with_files(form: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (
            SimpleUploadedFile("probe.csv", b"name,phone\n", content_type="text/csv")
            if v == FILE_SENTINEL
            else v
        )
        for k, v in form.items()
    }


def _swap_segment(url: str, endpoint: Endpoint, name: str, value: str) -> str:
    """The same URL with one path parameter's value replaced."""
    names: list[str] = []

    def group(m: re.Match[str]) -> str:
        names.append(m[1])
        return "([^/]+)"

    regex = re.sub(r"\\\{(\w+)\\\}", group, re.escape("/" + endpoint.template))
    match = re.fullmatch(regex, url)
    if match is None:
        return url
    out = "/" + endpoint.template
    for param, current in zip(names, match.groups(), strict=True):
        out = out.replace("{" + param + "}", value if param == name else current)
    return out


def _who(viewer: Viewer) -> str:
    roles = "+".join(sorted(viewer.user.role_names))
    return f"{viewer.user.username} ({roles}@{viewer.root.path if viewer.root else '-'})"


def _text(response: HttpResponseBase, *, is_json: bool) -> str:
    if isinstance(response, StreamingHttpResponse):
        raw = b"".join(
            chunk if isinstance(chunk, bytes) else str(chunk).encode()
            for chunk in response.streaming_content  # type: ignore[union-attr]
        )
    elif isinstance(response, HttpResponse):
        raw = response.content
    else:
        raw = b""
    text = raw.decode("utf-8", "replace")
    if is_json:
        try:
            # Devanagari comes \u-escaped in JSON; compare names as the reader sees them.
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


_MENTION_CACHE: dict[str, re.Pattern[str]] = {}


def _mentions(body: str, secret: str) -> bool:
    """Whether `secret` appears as a whole token ("District 1" is not in "District 10")."""
    if secret not in body:
        return False
    pattern = _MENTION_CACHE.get(secret)
    if pattern is None:
        pattern = re.compile(r"(?<!\w)" + re.escape(secret) + r"(?!\w)")
        _MENTION_CACHE[secret] = pattern
    return pattern.search(body) is not None


def _aggregate_probes(prober: Prober, endpoints: list[Endpoint], leaks: list[str]) -> int:
    """Roll-ups for a user's own unit must count exactly the booths of their subtree.

    Every JSON endpoint addressed by one unit (e.g. /api/analytics/coverage/{unit_id}) is asked
    for each user's own unit; where the answer carries `booths_total`, it is compared with a
    count made here from the Unit rows of the subtree.
    """
    w = prober.world
    done = 0
    candidates = [
        e
        for e in endpoints
        if e.ninja
        and "GET" in e.methods
        and len(e.params) == 1
        and REGISTRY.get(e.params[0].name) == "unit"
    ]
    for endpoint in candidates:
        for viewer in prober.viewers:
            if viewer.root is None:
                continue
            url = prober.url(endpoint, {endpoint.params[0].name: str(viewer.root.id)})
            result = prober.request(
                viewer, _Call("GET", url, _copy_request(endpoint.requests["GET"]))
            )
            if isinstance(result, str):
                leaks.append(f"GET {url} as {_who(viewer)} -> exception {result}")
                continue
            if result.status != 200 or not result.is_json:
                continue
            found = _find_key(json.loads(result.text), "booths_total")
            if found is None:
                continue
            done += 1
            expected = sum(1 for i in viewer.subtree if w.units[i].level == Level.BOOTH)
            if found != expected:
                leaks.append(
                    f"GET {url} as {_who(viewer)} -> booths_total {found}, expected {expected}"
                )
    return done


def _find_key(data: Any, key: str) -> Any:
    """The first value under `key`, searching nested objects (not list items past the first)."""
    if isinstance(data, dict):
        if key in data:
            return data[key]
        for value in data.values():
            found = _find_key(value, key)
            if found is not None:
                return found
    if isinstance(data, list) and data:
        return _find_key(data[0], key)
    return None


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Thousands of expected 404s would flood the log; leaks are in the report instead."""
    loggers = [logging.getLogger(n) for n in ("django.request", "django.security", "ninja")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def run_probe(*, probes: int, seed: int, sizes: Sizes | None = None) -> ProbeReport:
    """Build a random world, probe every endpoint with out-of-scope ids, roll everything back."""
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    with (
        _quiet(),
        tempfile.TemporaryDirectory(prefix="sampark-probe-") as media,
        override_settings(
            MEDIA_ROOT=media,
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            SECURE_SSL_REDIRECT=False,
            # Sessions in signed cookies: one query less per request, same login semantics.
            SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
        ),
        transaction.atomic(),
    ):
        report = _run(probes=probes, seed=seed, rng=rng, sizes=sizes or Sizes())
        transaction.set_rollback(True)
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _run(*, probes: int, seed: int, rng: random.Random, sizes: Sizes) -> ProbeReport:
    world = build_world(rng=rng, sizes=sizes)
    viewers = [make_viewer(world, u) for u in world.users.values()]
    prober = Prober(world=world, viewers=viewers, rng=rng)
    endpoints = discover()

    unregistered: list[str] = []
    probed: list[Endpoint] = []
    unprobed: list[str] = []
    for e in endpoints:
        missing = [n for n in e.int_params if n not in REGISTRY and n not in UNSCOPED]
        unregistered += [
            f"add parameter {n!r} to the probe registry (sampark.devtools.probe.REGISTRY); "
            f"it is used by /{e.route}"
            for n in missing
        ]
        if not missing and e.probed():
            probed.append(e)
        elif not missing:
            unprobed.append(e.label())

    count = 0
    attempts = 0
    while probed and count < probes and attempts < probes * 20:
        attempts += 1
        endpoint = rng.choice(probed)
        for method in endpoint.methods:
            targets = endpoint.targets(method)
            if targets and prober.probe_one(
                endpoint, method, rng.choice(viewers), rng.choice(targets)
            ):
                count += 1
    for endpoint in probed:
        for method in endpoint.methods:
            prober.reach(endpoint, method)

    leaks = [f"UNREGISTERED: {u}" for u in unregistered] + prober.leaks
    aggregates = _aggregate_probes(prober, endpoints, leaks)
    return ProbeReport(
        probes=count,
        leaks=leaks,
        endpoints=[f"/{e.route}" for e in probed],
        methods={f"/{e.route}": list(e.methods) for e in probed},
        unprobed=unprobed,
        unregistered=unregistered,
        aggregates=aggregates,
        validation_first=sorted(prober.validation_first),
        unreached=sorted(
            f"{m} /{e.route}"
            for e in probed
            for m in e.methods
            if e.targets(m) and f"{m} /{e.route}" not in prober.reached
        ),
        users=len(viewers),
        objects={name: len(kind.ids(world)) for name, kind in KINDS.items()},
        seed=seed,
    )
