"""Roles and what they may do. A user holds one or more roles on exactly one unit."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STATE_HEAD = "state_head", _("State IT-cell head")
    DISTRICT_INCHARGE = "district_incharge", _("District in-charge")
    PC_INCHARGE = "pc_incharge", _("Lok Sabha in-charge")
    AC_INCHARGE = "ac_incharge", _("Assembly in-charge")
    MANDAL_INCHARGE = "mandal_incharge", _("Mandal in-charge")
    SECTOR_INCHARGE = "sector_incharge", _("Sector in-charge")
    ANALYST = "analyst", _("War-room analyst")
    CALL_SUPERVISOR = "call_supervisor", _("Call-centre supervisor")
    CALL_AGENT = "call_agent", _("Call-centre agent")
    VOLUNTEER = "volunteer", _("Booth volunteer")


class Capability(models.TextChoices):
    SEE_PHONES = "see_phones", _("See full phone numbers")
    MANAGE_PEOPLE = "manage_people", _("Add and edit people and positions")
    VERIFY_WORKERS = "verify_workers", _("Confirm workers")
    IMPORT_EXPORT = "import_export", _("Import and export volunteers")
    SEND_DIRECTIVES = "send_directives", _("Send directives")
    ACK_DIRECTIVES = "ack_directives", _("Acknowledge directives")
    SET_TARGETS = "set_targets", _("Set recruitment targets")
    VIEW_AUDIT = "view_audit", _("View the audit log")
    LISTEN = "listen", _("Watch the listening feed and narratives")
    MANAGE_LISTENING = "manage_listening", _("Manage sources, watchlists and alerts")
    MANAGE_GROUPS = "manage_groups", _("Manage booth groups")
    CREATE_CONTENT = "create_content", _("Write content kits")
    REVIEW_CONTENT = "review_content", _("Review and approve content")
    DISTRIBUTE = "distribute", _("Send content to volunteers")
    MANAGE_COMPLIANCE = (
        "manage_compliance",
        _("Manage the election calendar, certificates and DND lists"),
    )
    MANAGE_FACTCHECKS = "manage_factchecks", _("Import and edit fact-checks")
    TRIAGE = "triage", _("Work war-room incidents and draft responses")
    APPROVE_RESPONSES = "approve_responses", _("Approve war-room responses")
    MANAGE_ACCOUNTS = "manage_accounts", _("Create and manage staff accounts")
    HANDLE_GRIEVANCES = "handle_grievances", _("Answer people's data requests (grievance officer)")
    # The call centre (issue #15): start, pause and end campaigns, write scripts, watch the
    # wallboard, inside one's subtree. Agents need no capability: their role opens the console.
    RUN_CALLS = "run_calls", _("Run call-centre campaigns and scripts")
    MANAGE_TRAINING = "manage_training", _("Write and publish training modules")
    # Plan event seasons, manage an event in one's subtree (invitations, gates, questions).
    RUN_EVENTS = "run_events", _("Plan and run events")


_INCHARGE = {
    Capability.SEE_PHONES,
    Capability.MANAGE_PEOPLE,
    Capability.VERIFY_WORKERS,
    Capability.IMPORT_EXPORT,
    Capability.SEND_DIRECTIVES,
    Capability.ACK_DIRECTIVES,
    Capability.SET_TARGETS,
    Capability.MANAGE_GROUPS,
    Capability.DISTRIBUTE,
}

_LISTENING = {Capability.LISTEN, Capability.MANAGE_LISTENING}
_CONTENT = {Capability.CREATE_CONTENT, Capability.REVIEW_CONTENT}
_WARROOM = {Capability.TRIAGE, Capability.MANAGE_FACTCHECKS}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.STATE_HEAD: frozenset(
        {
            *_INCHARGE,
            *_LISTENING,
            *_CONTENT,
            *_WARROOM,
            Capability.VIEW_AUDIT,
            Capability.MANAGE_COMPLIANCE,
            Capability.APPROVE_RESPONSES,
            Capability.MANAGE_ACCOUNTS,
            Capability.HANDLE_GRIEVANCES,
            Capability.RUN_CALLS,
            Capability.MANAGE_TRAINING,
            Capability.RUN_EVENTS,
        }
    ),
    Role.DISTRICT_INCHARGE: frozenset(
        {
            *_INCHARGE,
            *_LISTENING,
            *_CONTENT,
            Capability.TRIAGE,
            Capability.VIEW_AUDIT,
            Capability.APPROVE_RESPONSES,
            Capability.MANAGE_ACCOUNTS,
            # A district's own call team calls its district's volunteers (scope keeps it there).
            Capability.RUN_CALLS,
            Capability.MANAGE_TRAINING,
            Capability.RUN_EVENTS,
        }
    ),
    # District, Lok Sabha and assembly in-charges write modules for their area (issue #14).
    Role.PC_INCHARGE: frozenset(
        {
            *_INCHARGE,
            Capability.LISTEN,
            Capability.MANAGE_ACCOUNTS,
            Capability.MANAGE_TRAINING,
            Capability.RUN_EVENTS,
        }
    ),
    Role.AC_INCHARGE: frozenset(
        {
            *_INCHARGE,
            Capability.LISTEN,
            Capability.MANAGE_ACCOUNTS,
            Capability.MANAGE_TRAINING,
            Capability.RUN_EVENTS,
        }
    ),
    # Mandal and sector in-charges adjust their part of an event's targets (SET_TARGETS) but
    # host no event: events are held at district, Lok Sabha and state level.
    Role.MANDAL_INCHARGE: frozenset(_INCHARGE - {Capability.IMPORT_EXPORT, Capability.DISTRIBUTE}),
    Role.SECTOR_INCHARGE: frozenset(
        {
            Capability.MANAGE_PEOPLE,
            Capability.VERIFY_WORKERS,
            Capability.ACK_DIRECTIVES,
            Capability.MANAGE_GROUPS,
        }
    ),
    # Analysts and call staff work with content and calls; they never see raw numbers here.
    Role.ANALYST: frozenset({*_LISTENING, *_WARROOM, Capability.CREATE_CONTENT}),
    Role.CALL_SUPERVISOR: frozenset({Capability.ACK_DIRECTIVES, Capability.RUN_CALLS}),
    Role.CALL_AGENT: frozenset(),
    Role.VOLUNTEER: frozenset(),
}


# Which capabilities open each area's pages: any one of them is enough. The views check these
# sets, and the desktop menu (sampark/menu.py) shows a link only when the same check passes,
# so that no role is offered a page that answers 403 (issue #11).
LISTENING_PAGES = frozenset({Capability.LISTEN})
WARROOM_PAGES = frozenset({Capability.TRIAGE, Capability.APPROVE_RESPONSES})
FACTCHECK_PAGES = frozenset({Capability.LISTEN, Capability.TRIAGE, Capability.MANAGE_FACTCHECKS})
CONTENT_PAGES = frozenset(
    {Capability.CREATE_CONTENT, Capability.REVIEW_CONTENT, Capability.DISTRIBUTE}
)
GROUP_ROLLUP_PAGES = frozenset({Capability.MANAGE_GROUPS})
IMPORT_PAGES = frozenset({Capability.IMPORT_EXPORT})
AUDIT_PAGES = frozenset({Capability.VIEW_AUDIT})
ACCOUNT_PAGES = frozenset({Capability.MANAGE_ACCOUNTS})
CALLS_MANAGE_PAGES = frozenset({Capability.RUN_CALLS})
# Training completion by unit: those who write modules or run an area.
TRAINING_ROLLUP_PAGES = frozenset({Capability.MANAGE_TRAINING, Capability.SET_TARGETS})

# Seniority, highest first (issue #13): an in-charge manages staff accounts only for roles
# below their own, and only the staff roles (in-charge and volunteer roles come from positions).
ROLE_ORDER: tuple[str, ...] = (
    Role.STATE_HEAD,
    Role.DISTRICT_INCHARGE,
    Role.PC_INCHARGE,
    Role.AC_INCHARGE,
    Role.MANDAL_INCHARGE,
    Role.SECTOR_INCHARGE,
    Role.ANALYST,
    Role.CALL_SUPERVISOR,
    Role.CALL_AGENT,
    Role.VOLUNTEER,
)
STAFF_ROLES: frozenset[str] = frozenset({Role.ANALYST, Role.CALL_SUPERVISOR, Role.CALL_AGENT})
