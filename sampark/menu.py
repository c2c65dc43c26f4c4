"""The desktop menu: one link for each page the signed-in user may open.

Each link carries the check its view makes (the capability sets of `accounts.enums.*_PAGES`
through `User.can_any`, and a unit for every scoped page), so that the menu and the views
cannot disagree: no role is offered a link that answers 403 or 404 (issue #11; a test opens
every link of every role). Project-level like `urls.py`: it names pages of every app by URL name
and imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from sampark.accounts.enums import (
    ACCOUNT_PAGES,
    AUDIT_PAGES,
    CONTENT_PAGES,
    FACTCHECK_PAGES,
    GROUP_ROLLUP_PAGES,
    IMPORT_PAGES,
    LISTENING_PAGES,
    WARROOM_PAGES,
    Capability,
    Role,
)
from sampark.accounts.permissions import has_area
from sampark.core.http import request_user

if TYPE_CHECKING:
    from django.http import HttpRequest

    from sampark.accounts.models import User

Rule = Callable[["User"], bool]

# Unit settings an in-charge keeps: recruitment targets and the Hindi names of the area.
TARGET_PAGES = frozenset({Capability.SET_TARGETS})
# Recruitment drives (join link, poster, progress): those who run an area.
DRIVE_PAGES = frozenset({Capability.SET_TARGETS, Capability.MANAGE_PEOPLE})


def _scoped(pages: frozenset[str] | None = None) -> Rule:
    """A page inside the user's area (404 without a unit), for roles granting one of `pages`."""
    return lambda user: has_area(user) and (pages is None or user.can_any(pages))


def _volunteer(user: User) -> bool:
    return user.person_id is not None


def _own_groups(user: User) -> bool:
    """The groups one admins, for users who run no roll-up (in-charges reach them from it)."""
    return _volunteer(user) and not user.can_any(GROUP_ROLLUP_PAGES)


# The call centre's staff: agents by role, managers by capability (as `calls.permissions`).
def _calls(user: User) -> bool:
    return has_area(user) and (Role.CALL_AGENT in user.role_names or user.can(Capability.RUN_CALLS))


def _anyone(user: User) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Link:
    key: str
    url_name: str
    label: Promise
    allowed: Rule


LINKS: tuple[Link, ...] = (
    Link("coverage", "analytics:home", _("Coverage"), _scoped()),
    Link("results", "results:home", _("Results"), _scoped()),
    Link("brief", "results:brief_list", _("Morning brief"), _scoped()),
    Link("people", "people:list", _("People"), _scoped()),
    Link("directives", "directives:list", _("Directives"), _scoped()),
    Link("inbox", "notify:inbox", _("Notifications"), _scoped()),
    Link("events", "events:list", _("Events"), _scoped()),
    Link("training", "training:list", _("Training"), _scoped()),
    Link("listening", "monitoring:feed", _("Listening"), _scoped(LISTENING_PAGES)),
    Link("warroom", "warroom:board", _("War room"), _scoped(WARROOM_PAGES)),
    Link("factchecks", "factcheck:search", _("Fact-checks"), lambda u: u.can_any(FACTCHECK_PAGES)),
    Link("content", "content:library", _("Content"), _scoped(CONTENT_PAGES)),
    Link("calls", "calls:home", _("Call centre"), _calls),
    Link("groups", "groups:home", _("Booth groups"), _scoped(GROUP_ROLLUP_PAGES)),
    Link("my-groups", "groups:mine", _("My groups"), _own_groups),
    Link("app", "app:home", _("Volunteer app"), _volunteer),
    Link("exports", "monitoring:groups", _("Chat exports"), _scoped()),
    Link("tip", "monitoring:tip_new", _("Report a rumour"), _anyone),
    Link("import", "imports:upload", _("Import"), _scoped(IMPORT_PAGES)),
    Link("audit", "accounts:audit_log", _("Audit log"), _scoped(AUDIT_PAGES)),
    Link("staff", "accounts:staff_list", _("Staff accounts"), _scoped(ACCOUNT_PAGES)),
    Link(
        "requests",
        "people:requests",
        _("Data requests"),
        _scoped(frozenset({"handle_grievances"})),
    ),
    Link("recruit", "recruit:home", _("Recruitment"), _scoped(DRIVE_PAGES)),
    Link("names", "geo:names", _("Names in Hindi"), _scoped(TARGET_PAGES)),
)


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    url: str
    label: Promise


def menu_for(user: User) -> list[Item]:
    """The links `user` may open, in menu order."""
    return [
        Item(link.key, reverse(link.url_name), link.label) for link in LINKS if link.allowed(user)
    ]


def _menu(request: HttpRequest) -> list[Item]:
    if not request.user.is_authenticated:
        return []
    return menu_for(request_user(request))


def desktop_menu(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `desktop_menu`, worked out only when a page draws it."""
    return {"desktop_menu": SimpleLazyObject(lambda: _menu(request))}
