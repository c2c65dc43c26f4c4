"""The registry: which model a parameter name addresses and who may see each object.

Every int parameter of a route must be named here (`REGISTRY`) or be known as unscoped
(`UNSCOPED`); the probe reports any other as UNREGISTERED, which fails the suite. A new kind of
object gets a `Kind` in `KINDS`: how to list its ids, which lie outside a viewer (the strict
reading of the app's rule, computed here independently of its selectors), what must not leak.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
from sampark.calls.permissions import is_manager
from sampark.content.enums import DeliveryStatus
from sampark.content.models import ContentItem, Delivery, Distribution, MediaAsset
from sampark.devtools.probe.world import Viewer, World, is_under, subtree_of
from sampark.directives.models import Directive, DirectiveAttachment, DirectiveRecipient
from sampark.events.models import Event, Gate, QuestionGroup, Registration, Season
from sampark.factcheck import selectors as factcheck_selectors
from sampark.factcheck.models import FactCheck
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.groups.models import Group as BoothGroup
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Alert, ExportUpload, Narrative, Post, Source, Watchlist
from sampark.notify.models import Notification
from sampark.people.models import (
    Assignment,
    ConsentEvent,
    DataRequest,
    ImportJob,
    Person,
    PhoneVerification,
    SignupFlag,
)
from sampark.training.models import Module as TrainingModule
from sampark.warroom.models import Incident, ResponseTemplate, Shift
from sampark.warroom.models import Response as WarroomResponse


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


def _request_outside(w: World, v: Viewer, r: DataRequest) -> bool:
    """A data request belongs to the person's home unit at receipt; without one, to the state."""
    if r.unit_id is None:
        return v.root is None or v.root.parent_id is not None
    return r.unit_id not in v.subtree


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


def _campaign_outside(w: World, v: Viewer, campaign_id: int) -> bool:
    unit_id = w.campaigns[campaign_id].unit_id
    if unit_id in v.subtree:
        return False
    root = v.root
    return root is None or unit_id not in {root.state_id, root.district_id, root.ac_id}


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
        companions=lambda w, i, r: {"person_id": int(w.consents[i].person_id or 0)},
        table=ConsentEvent,
    ),
    "data_request": Kind(
        "data_request",
        ids=lambda w: list(w.data_requests),
        outside=lambda w, v, i: _request_outside(w, v, w.data_requests[i]),
        secrets=lambda w, v, i: (
            _person_secrets(w, v, pid) if (pid := w.data_requests[i].person_id) else []
        ),
        table=DataRequest,
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
    # Staff notifications (issue #13): one's own only, and only about one's subtree.
    "notification": Kind(
        "notification",
        ids=lambda w: list(w.notifications),
        outside=lambda w, v, i: (
            w.notifications[i].user_id != v.user.id or w.notifications[i].unit_id not in v.subtree
        ),
        secrets=lambda w, v, i: [w.notifications[i].title],
        table=Notification,
    ),
    "attachment": Kind(
        "attachment",
        ids=lambda w: list(w.attachments),
        outside=lambda w, v, i: _directive_outside(w, v, w.attachments[i].directive_id),
        secrets=lambda w, v, i: [w.attachments[i].filename],
        table=DirectiveAttachment,
    ),
    # Calls: a campaign is seen from its subtree and by the units below it (their agents work
    # their own contacts of it); a contact and its calls only inside the viewer's subtree.
    "campaign": Kind(
        "campaign",
        ids=lambda w: list(w.campaigns),
        outside=_campaign_outside,
        secrets=lambda w, v, i: [w.campaigns[i].name],
        table=Campaign,
    ),
    # A call script belongs to its unit's subtree (its managers write and preview it there).
    "script": Kind(
        "script",
        ids=lambda w: list(w.scripts),
        outside=lambda w, v, i: w.scripts[i].unit_id not in v.subtree,
        secrets=lambda w, v, i: [w.scripts[i].name],
        table=Script,
    ),
    "contact": Kind(
        "contact",
        ids=lambda w: list(w.contacts),
        outside=lambda w, v, i: w.contacts[i].unit_id not in v.subtree,
        secrets=lambda w, v, i: _person_secrets(w, v, w.contacts[i].person_id),
        table=Contact,
    ),
    "attempt": Kind(
        "attempt",
        ids=lambda w: list(w.attempts),
        outside=lambda w, v, i: w.contacts[w.attempts[i].contact_id].unit_id not in v.subtree,
        secrets=lambda w, v, i: _person_secrets(
            w, v, w.contacts[w.attempts[i].contact_id].person_id
        ),
        table=Attempt,
    ),
    "user": Kind(
        "user",
        ids=lambda w: list(w.users),
        outside=lambda w, v, i: w.users[i].unit_id not in v.subtree,
        table=User,
    ),
}


def _above(w: World, v: Viewer) -> set[int]:
    """The viewer's unit, its ancestors and its PC (events hosted there are theirs too)."""
    if v.root is None:
        return set()
    root = v.root
    ids = {root.id, root.state_id, root.district_id, root.pc_id, root.ac_id, root.mandal_id}
    return {i for i in ids | {root.sector_id} if i is not None}


def _event_outside(w: World, v: Viewer, event_id: int) -> bool:
    host = w.events[event_id].unit_id
    return host not in v.subtree and host not in _above(w, v)


EVENT_KINDS: dict[str, Kind] = {
    "season": Kind(
        name="season",
        ids=lambda w: list(w.seasons),
        outside=lambda w, v, i: w.seasons[i].unit_id not in _above(w, v),
        secrets=lambda w, v, i: [w.seasons[i].name],
        table=Season,
    ),
    "event": Kind(
        name="event",
        ids=lambda w: list(w.events),
        outside=_event_outside,
        secrets=lambda w, v, i: [w.events[i].title],
        table=Event,
    ),
    "registration": Kind(
        name="registration",
        ids=lambda w: list(w.registrations),
        outside=lambda w, v, i: w.registrations[i].unit_id not in v.subtree,
        companions=lambda w, i, r: {"event_id": w.registrations[i].event_id},
        table=Registration,
    ),
    "gate": Kind(
        name="gate",
        ids=lambda w: list(w.gates),
        outside=lambda w, v, i: w.events[w.gates[i].event_id].unit_id not in v.subtree,
        companions=lambda w, i, r: {"event_id": w.gates[i].event_id},
        table=Gate,
    ),
    # Questions for the experts: a group exists for whoever may see its event (workers vote on
    # it); moderating it needs the event in one's subtree and RUN_EVENTS (a 403 otherwise).
    "question_group": Kind(
        name="question_group",
        ids=lambda w: list(w.question_groups),
        outside=lambda w, v, i: _event_outside(w, v, w.question_groups[i].event_id),
        secrets=lambda w, v, i: [w.question_groups[i].text],
        companions=lambda w, i, r: {"event_id": w.question_groups[i].event_id},
        table=QuestionGroup,
    ),
}
KINDS.update(EVENT_KINDS)


def _inbound_outside(w: World, v: Viewer, inbound_id: int) -> bool:
    """A helpline call is its agent's, and its supervisors' where the caller lives."""
    call = w.inbound_calls[inbound_id]
    if call.agent_id == v.user.id:
        return False
    return call.unit_id not in v.subtree or not is_manager(v.user)


def _inbound_secrets(w: World, v: Viewer, inbound_id: int) -> list[str]:
    phone = w.inbound_calls[inbound_id].phone
    national = phone[3:] if phone.startswith("+91") else phone
    return [phone, national]


# Calls: the helpline queue, and the floor's sites and shifts (seen from the site's subtree).
CALL_KINDS: dict[str, Kind] = {
    "inbound": Kind(
        name="inbound",
        ids=lambda w: list(w.inbound_calls),
        outside=_inbound_outside,
        secrets=_inbound_secrets,
        table=InboundCall,
    ),
    "call_site": Kind(
        name="call_site",
        ids=lambda w: list(w.call_sites),
        outside=lambda w, v, i: w.call_sites[i].unit_id not in v.subtree,
        secrets=lambda w, v, i: [w.call_sites[i].name],
        table=Site,
    ),
    "call_shift": Kind(
        name="call_shift",
        ids=lambda w: list(w.call_shifts),
        outside=lambda w, v, i: w.call_sites[w.call_shifts[i].site_id].unit_id not in v.subtree,
        secrets=lambda w, v, i: [w.call_shifts[i].name],
        table=CallShift,
    ),
}
KINDS.update(CALL_KINDS)
# A training module applies to its unit's subtree: the viewer's unit and those above it
# (published ones), and managers see their subtree's (issue #14).
KINDS["module"] = Kind(
    name="module",
    ids=lambda w: list(w.modules),
    outside=lambda w, v, i: (
        w.modules[i].unit_id not in v.subtree and w.modules[i].unit_id not in _above(w, v)
    ),
    secrets=lambda w, v, i: [w.modules[i].title_en, w.modules[i].title_hi],
    table=TrainingModule,
)

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
    "request_id": "data_request",
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
    "notification_id": "notification",
    "attachment_id": "attachment",
    "campaign_id": "campaign",
    "contact_id": "contact",
    "attempt_id": "attempt",
    "inbound_id": "inbound",
    "site_id": "call_site",
    "call_shift_id": "call_shift",
    "script_id": "script",
    "season_id": "season",
    "event_id": "event",
    "registration_id": "registration",
    "gate_id": "gate",
    "module_id": "module",
    "question_group_id": "question_group",
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


def make_viewer(w: World, user: User) -> Viewer:
    root = w.units.get(user.unit_id) if user.unit_id is not None else None
    subtree = subtree_of(root, w.units)
    around: set[int] = set()
    if root is not None:
        around = {u.id for u in w.units.values() if is_under(root.path, u.path)}
        if root.pc_id is not None:
            around.add(root.pc_id)
    viewer = Viewer(user=user, subtree=subtree, root=root, around=frozenset(around))
    for name, kind in KINDS.items():
        ids = kind.ids(w)
        viewer.outside[name] = [i for i in ids if kind.outside(w, viewer, i)]
        hidden = set(viewer.outside[name])
        viewer.inside[name] = [i for i in ids if i not in hidden]
    return viewer
