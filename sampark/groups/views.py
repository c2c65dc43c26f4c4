"""Pages of the booth group registry (issue #5): roll-ups for in-charges, a group's page, the
volunteer's "my groups", and the public invite page where citizens give consent before they
see the link.

A group in the path is looked up with `selectors.access_group` before any capability check, so
a group outside the user's scope is a 404 for everyone (the scope probe's rule); inside it, a
user who may not act gets a 403.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.accounts import selectors as account_selectors
from sampark.accounts.enums import GROUP_ROLLUP_PAGES, Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_any
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.core.http import wants_fragment as _partial
from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import Level
from sampark.groups import selectors, services
from sampark.groups.enums import JoinVia
from sampark.groups.forms import CountForm, GroupForm, JoinForm, LeaveForm, RotateForm
from sampark.groups.models import Group

HISTORY_SHOWN = 20


def _require_manager(user: User) -> None:
    require_any(user, GROUP_ROLLUP_PAGES, _("Your role may not manage groups."))


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def join_url(request: HttpRequest, group: Group) -> str:
    return request.build_absolute_uri(reverse("join:page", kwargs={"token": group.join_token}))


def _share_url(request: HttpRequest, group: Group) -> str:
    """A wa.me share link the admin opens on their own phone (Sampark never sends WhatsApp)."""
    text = _("Join our booth group “%(name)s”: %(url)s") % {
        "name": group.name,
        "url": join_url(request, group),
    }
    return "https://wa.me/?text=" + quote(text)


def _auto_id(group: Group) -> str:
    """Field ids unique per card: "my groups" shows several groups' forms on one page."""
    return f"g{group.id}-%s"


def _card(request: HttpRequest, user: User, group: Group, **extra: Any) -> dict[str, Any]:
    """Context of one group's action card (my groups, the group page)."""
    return {
        "g": group,
        "can_run": services.may_run(user=user, group=group),
        "join_url": join_url(request, group),
        "share_url": _share_url(request, group),
        "count_form": extra.pop("count_form", None)
        or CountForm(auto_id=_auto_id(group), initial={"count": group.member_count}),
        "rotate_form": extra.pop("rotate_form", None) or RotateForm(auto_id=_auto_id(group)),
        **extra,
    }


# --- roll-ups ----------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """In-charges land on their unit's roll-up; volunteers on their own groups."""
    user = _user(request)
    if user.is_volunteer_only:
        return redirect("app:groups")  # a booth volunteer's groups live in the phone app
    root = account_selectors.scope_root(user=user)
    if user.can(Capability.MANAGE_GROUPS):
        return redirect("groups:unit", unit_id=root.id)
    return redirect("groups:mine")


@login_required
@require_GET
def unit(request: HtmxRequest, unit_id: int) -> HttpResponse:
    """Group coverage of a unit and its children, its growth, and its quiet groups."""
    user = _user(request)
    found = account_selectors.access_unit(user=user, unit_id=unit_id)
    _require_manager(user)
    is_booth = found.level == Level.BOOTH
    growth = selectors.growth_series(unit=found)
    context = {
        "unit": found,
        "crumbs": geo_selectors.breadcrumbs(user=user, unit=found),
        "rollup": selectors.rollup(unit=found),
        "growth": growth,
        "growth_max": max((p.members for p in growth), default=0) or 1,
        "quiet": [] if is_booth else selectors.quiet_groups(unit=found),
        "booth_groups": list(selectors.groups_under(unit=found, include_archived=True))
        if is_booth
        else [],
        "is_booth": is_booth,
    }
    name = "groups/partials/board.html" if _partial(request) else "groups/pages/unit.html"
    response = render(request, name, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def group_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Register a group on a booth."""
    user = _user(request)
    booth = account_selectors.access_unit(user=user, unit_id=unit_id)
    if booth.level != Level.BOOTH:
        raise Http404("groups belong to booths")
    _require_manager(user)
    candidates = selectors.admin_candidates(booth=booth)
    form = GroupForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.group_create(
                booth=booth,
                platform=data["platform"],
                name=data["name"],
                purpose=data["purpose"],
                cap=data["cap"],
                invite_link=data["invite_link"],
                member_count=data["member_count"] or 0,
                admin_ids=data["admins"],
                actor=user,
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Group registered."))
            return redirect("groups:detail", booth_group_id=group.id)
    return render(request, "groups/pages/group_form.html", {"form": form, "booth": booth})


# --- one group ---------------------------------------------------------------------------------


@login_required
@require_GET
def detail(request: HttpRequest, booth_group_id: int) -> HttpResponse:
    user = _user(request)
    group = selectors.access_group(user=user, group_id=booth_group_id)
    context = _card(
        request,
        user,
        group,
        admins=selectors.admins_of(group=group),
        history=selectors.count_history(group=group, limit=HISTORY_SHOWN),
        joins=selectors.join_summary(group=group),
        can_manage=services.may_manage(user=user, group=group),
        back="detail",
    )
    return render(request, "groups/pages/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, booth_group_id: int) -> HttpResponse:
    """Rename, change purpose or cap, set the admins (in-charges only)."""
    user = _user(request)
    group = selectors.access_group(user=user, group_id=booth_group_id)
    if not services.may_manage(user=user, group=group):
        raise PermissionDenied(_("Your role may not manage this group."))
    candidates = selectors.admin_candidates(group=group, booth=group.booth)
    initial = {
        "name": group.name,
        "purpose": group.purpose,
        "cap": group.cap,
        "admins": [p.id for p in selectors.admins_of(group=group)],
    }
    form = GroupForm(request.POST or None, candidates=candidates, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_update(
                group_id=group.id,
                name=data["name"],
                purpose=data["purpose"],
                cap=data["cap"],
                actor=user,
            )
            services.admins_set(group_id=group.id, person_ids=data["admins"], actor=user)
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, _("Group saved."))
            return redirect("groups:detail", booth_group_id=group.id)
    return render(
        request, "groups/pages/group_form.html", {"form": form, "booth": group.booth, "g": group}
    )


@login_required
@require_POST
def archive(request: HttpRequest, booth_group_id: int) -> HttpResponse:
    user = _user(request)
    group = selectors.access_group(user=user, group_id=booth_group_id)
    if not services.may_manage(user=user, group=group):
        raise PermissionDenied(_("Your role may not manage this group."))
    if services.group_archive(group_id=group.id, actor=user):
        messages.success(request, _("Group archived: its invite page no longer works."))
    return redirect("groups:detail", booth_group_id=group.id)


def _after_action(
    request: HtmxRequest, user: User, group_id: int, *, ok: str, error: str = "", **forms: Any
) -> HttpResponse:
    """The refreshed card for HTMX; otherwise back to the page the form was on."""
    group = selectors.access_group(user=user, group_id=group_id)
    if _partial(request):
        context = _card(request, user, group, notice=ok if not error else "", error=error, **forms)
        context["back"] = request.POST.get("back", "mine")
        return render(request, "groups/partials/group_card.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, ok)
    if request.POST.get("back") == "detail":
        return redirect("groups:detail", booth_group_id=group.id)
    return redirect("groups:mine")


def _runnable(request: HttpRequest, booth_group_id: int) -> tuple[User, Group]:
    user = _user(request)
    return user, services.group_to_run(user=user, group_id=booth_group_id)


@login_required
@require_POST
def count(request: HtmxRequest, booth_group_id: int) -> HttpResponse:
    """An admin reports how many members the group has now."""
    user, group = _runnable(request, booth_group_id)
    form = CountForm(request.POST, auto_id=_auto_id(group))
    error = form.save(group_id=group.id, actor=user)
    return _after_action(
        request,
        user,
        group.id,
        ok=_("Member count saved."),
        error=error,
        count_form=form if error else None,
    )


@login_required
@require_POST
def rotate(request: HtmxRequest, booth_group_id: int) -> HttpResponse:
    """Put in a reset invite link; the old /join/ link and its QR codes stop working."""
    user, group = _runnable(request, booth_group_id)
    form = RotateForm(request.POST, auto_id=_auto_id(group))
    error = form.save(group_id=group.id, actor=user)
    return _after_action(
        request,
        user,
        group.id,
        ok=_("New link saved. Share the new invite page; the old one no longer works."),
        error=error,
        rotate_form=form if error else None,
    )


@login_required
@require_POST
def attest(request: HtmxRequest, booth_group_id: int) -> HttpResponse:
    """An admin confirms the group was active today."""
    user, group = _runnable(request, booth_group_id)
    services.last_activity_attest(group_id=group.id, actor=user)
    return _after_action(request, user, group.id, ok=_("Thank you: activity noted for today."))


@login_required
@require_POST
def export_source(request: HttpRequest, booth_group_id: int) -> HttpResponse:
    """Open (or reuse) the listening channel for this group's chat exports."""
    user, group = _runnable(request, booth_group_id)
    try:
        source = services.export_source_link(group_id=group.id, actor=user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("groups:detail", booth_group_id=group.id)
    return redirect("monitoring:group_upload", group_id=source.id)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The groups a user admins: big buttons to report members, reset the link, note activity.
    A booth volunteer has the same in the phone app, and is sent there."""
    user = _user(request)
    if user.is_volunteer_only:
        return redirect("app:groups")
    cards = [_card(request, user, g, back="mine") for g in selectors.my_groups(user=user)]
    return render(
        request,
        "groups/pages/mine.html",
        {"cards": cards, "can_manage": user.can(Capability.MANAGE_GROUPS)},
    )


# --- the public invite page (no login) -------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Consent first; the platform's invite link is shown only after it is recorded."""
    group = selectors.group_for_token(token=token)
    via = JoinVia.QR if request.GET.get("via") == JoinVia.QR else JoinVia.LINK
    form = JoinForm(request.POST or None)
    context: dict[str, Any] = {
        "g": group,
        "form": form,
        "via": via,
        "notice_version": settings.SAMPARK_NOTICE_VERSION,
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.join_with_consent(
                group=group,
                name=data["name"],
                phone=data["phone"],
                adult=data["adult"],
                consent=data["consent"],
                via=request.POST.get("via", JoinVia.LINK),
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            context["invite_link"] = result.invite_link
    context["closed"] = not group.invite_link or group.is_full
    return render(request, "groups/pages/join.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def join_leave(request: HttpRequest, token: str) -> HttpResponse:
    """Leave the group: consent withdrawn. The answer is the same whoever types which phone."""
    group = selectors.group_for_token(token=token, include_archived=True)
    form = LeaveForm(request.POST or None)
    done = False
    if request.method == "POST" and form.is_valid():
        services.leave(group=group, phone=form.cleaned_data["phone"])
        done = True
    return render(request, "groups/pages/leave.html", {"g": group, "form": form, "done": done})
