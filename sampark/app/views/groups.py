"""My groups: the booth groups the volunteer admins, with big buttons to report how many
members a group has, note that it was active today, share its invite page and put in a reset
invite link. The rules are the groups app's (`groups_services`); this is only its phone screen.

A group in the path is looked up with `groups_selectors.access_group` first, so a group outside
the user's scope is a 404 (the scope probe's rule); one they may see but not run is a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.app.views.common import no_person
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.groups import selectors as groups_selectors
from sampark.groups import services as groups_services
from sampark.groups.forms import CountForm, RotateForm

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.groups.models import Group


def _auto_id(group: Group) -> str:
    """Field ids unique per card: the page shows several groups' forms."""
    return f"g{group.id}-%s"


def _card(request: HttpRequest, group: Group, **extra: Any) -> dict[str, Any]:
    """Context of one group's card."""
    join_url = request.build_absolute_uri(reverse("join:page", kwargs={"token": group.join_token}))
    text = _("Join our booth group “%(name)s”: %(url)s") % {"name": group.name, "url": join_url}
    return {
        "g": group,
        "join_url": join_url,
        # Opens the admin's own WhatsApp: Sampark never sends WhatsApp messages.
        "share_url": "https://wa.me/?text=" + quote(text),
        "count_form": extra.pop("count_form", None)
        or CountForm(auto_id=_auto_id(group), initial={"count": group.member_count}),
        "rotate_form": extra.pop("rotate_form", None) or RotateForm(auto_id=_auto_id(group)),
        **extra,
    }


@login_required
@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    """The live groups I admin, one card each."""
    user = _user(request)
    if user.person is None:
        return no_person(request)
    cards = [_card(request, g) for g in groups_selectors.my_groups(user=user)]
    return render(request, "app/pages/groups.html", {"cards": cards})


def _runnable(request: HttpRequest, booth_group_id: int) -> tuple[User, Group]:
    user = _user(request)
    return user, groups_services.group_to_run(user=user, group_id=booth_group_id)


def _after(
    request: HtmxRequest, user: User, group_id: int, *, ok: str, error: str = "", **forms: Any
) -> HttpResponse:
    """The card again for app.js (it swaps the card in place); else back to my groups."""
    group = groups_selectors.access_group(user=user, group_id=group_id)
    if request.htmx:
        context = _card(request, group, notice="" if error else ok, error=error, **forms)
        return render(request, "app/partials/group_card.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, ok)
    return redirect("app:groups")


@login_required
@require_POST
def group_count(request: HtmxRequest, booth_group_id: int) -> HttpResponse:
    """An admin reports how many members the group has now."""
    user, group = _runnable(request, booth_group_id)
    form = CountForm(request.POST, auto_id=_auto_id(group))
    error = form.save(group_id=group.id, actor=user)
    return _after(
        request,
        user,
        group.id,
        ok=_("Member count saved."),
        error=error,
        count_form=form if error else None,
    )


@login_required
@require_POST
def group_rotate(request: HtmxRequest, booth_group_id: int) -> HttpResponse:
    """Put in a reset invite link; the old invite page and its QR codes stop working."""
    user, group = _runnable(request, booth_group_id)
    form = RotateForm(request.POST, auto_id=_auto_id(group))
    error = form.save(group_id=group.id, actor=user)
    return _after(
        request,
        user,
        group.id,
        ok=_("New link saved. Share the new invite page; the old one no longer works."),
        error=error,
        rotate_form=form if error else None,
    )


@login_required
@require_POST
def group_attest(request: HtmxRequest, booth_group_id: int) -> HttpResponse:
    """An admin confirms the group was active today."""
    user, group = _runnable(request, booth_group_id)
    groups_services.last_activity_attest(group_id=group.id, actor=user)
    return _after(request, user, group.id, ok=_("Thank you: activity noted for today."))
