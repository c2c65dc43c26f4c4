"""The probe's world: every object it made, in memory, and the viewers who probe it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sampark.accounts.models import User
from sampark.calls.models import (
    Attempt,
    CallShift,
    Campaign,
    Contact,
    InboundCall,
    Script,
    Site,
)
from sampark.content.models import ContentItem, Delivery, Distribution, MediaAsset
from sampark.directives.models import Directive, DirectiveAttachment, DirectiveRecipient
from sampark.events.models import Event, Gate, QuestionGroup, Registration, Season
from sampark.factcheck.models import FactCheck
from sampark.geo.enums import Level
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.groups.models import Group as BoothGroup
from sampark.monitoring.models import Alert, ExportUpload, Narrative, Post, Source, Watchlist
from sampark.notify.models import Notification
from sampark.people.models import (
    Assignment,
    ConsentEvent,
    DataRequest,
    ImportJob,
    Person,
    PhoneVerification,
    PositionKind,
    SignupFlag,
)
from sampark.training.models import Module
from sampark.warroom.models import Incident, ResponseTemplate, Shift
from sampark.warroom.models import Response as WarroomResponse

PROBE_CODE = "PRB"  # path of the probe's state: never collides with a real state's code


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
    data_requests: dict[int, DataRequest] = field(default_factory=dict)
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
    notifications: dict[int, Notification] = field(default_factory=dict)
    attachments: dict[int, DirectiveAttachment] = field(default_factory=dict)
    campaigns: dict[int, Campaign] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    attempts: dict[int, Attempt] = field(default_factory=dict)
    inbound_calls: dict[int, InboundCall] = field(default_factory=dict)
    call_sites: dict[int, Site] = field(default_factory=dict)
    call_shifts: dict[int, CallShift] = field(default_factory=dict)
    scripts: dict[int, Script] = field(default_factory=dict)
    seasons: dict[int, Season] = field(default_factory=dict)
    events: dict[int, Event] = field(default_factory=dict)
    registrations: dict[int, Registration] = field(default_factory=dict)
    gates: dict[int, Gate] = field(default_factory=dict)
    modules: dict[int, Module] = field(default_factory=dict)
    question_groups: dict[int, QuestionGroup] = field(default_factory=dict)
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
        ids = {u.id for u in units.values() if any(is_under(u.path, top) for top in tops)}
        return frozenset({unit.id, *ids})
    return frozenset(u.id for u in units.values() if is_under(u.path, unit.path))


def is_under(path: str, top: str) -> bool:
    return path == top or path.startswith(top + "/")


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
