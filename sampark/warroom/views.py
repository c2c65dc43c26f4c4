"""War-room pages (issue #4): the live board, the queue, an incident, responses, templates and
the duty roster. Views parse input, call one selector or service, and render.

An object id in the path is looked up first (`access_*`, 404 outside the user's subtree), and
only then is the capability checked (403), so a hidden object is never told apart from a missing
one (the scope probe's rule). The pages need the `triage` or `approve_responses` capability.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.accounts.enums import WARROOM_PAGES, Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_any
from sampark.accounts.permissions import require_capability as _require
from sampark.accounts.selectors import scope_root
from sampark.core.http import HtmxRequest
from sampark.core.http import request_user as _user
from sampark.core.http import wants_fragment as _partial
from sampark.monitoring import selectors as monitoring_selectors
from sampark.training.errors import TrainingRequired
from sampark.warroom import selectors
from sampark.warroom.enums import (
    MANUAL_TRANSITIONS,
    IncidentState,
    ResponseState,
    Severity,
)
from sampark.warroom.errors import WarroomError
from sampark.warroom.forms import (
    DraftForm,
    HandoverForm,
    IncidentForm,
    NoteForm,
    ResponseForm,
    ShiftForm,
    TemplateForm,
)
from sampark.warroom.labels import publisher_of
from sampark.warroom.models import Incident, Response
from sampark.warroom.services import incidents as incident_services
from sampark.warroom.services import responses as response_services
from sampark.warroom.services import roster as roster_services
from sampark.warroom.services import templates as template_services
from sampark.warroom.services import triage as triage_services

QUEUE_SHOWN = 200


def _require_warroom(user: User) -> None:
    require_any(user, WARROOM_PAGES, _("Your role has no place in the war room."))


def _fact_check_choices(incident: Incident) -> list[tuple[int, str]]:
    out = []
    for m in selectors.matches(incident=incident):
        fc = m["fact_check"]
        if not fc.is_own_response:
            label = (
                f"{publisher_of(fc)} · {fc.get_verdict_display()} · {fc.title or fc.claim_reviewed}"
            )
            out.append((fc.id, label[:160]))
    return out


# -- the live board ----------------------------------------------------------------------------


@login_required
@require_GET
def board(request: HtmxRequest) -> HttpResponse:
    """The war-room board; the page polls itself every 10 s for the live part."""
    user = _user(request)
    _require_warroom(user)
    data = selectors.board(user=user)
    name = "warroom/partials/board_live.html" if _partial(request) else "warroom/pages/board.html"
    return render(request, name, {"board": data})


# -- the queue and one incident ----------------------------------------------------------------


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_warroom(user)
    get = request.GET
    state = get.get("state", "")
    try:
        severity = int(get.get("severity", "") or 0)
    except ValueError:
        severity = 0
    state = state if state in IncidentState.values else ""
    severity = severity if severity in Severity.values else 0
    mine, overdue = get.get("mine") == "1", get.get("overdue") == "1"
    unassigned = get.get("unassigned") == "1"
    filters: dict[str, str | int | bool] = {
        "state": state,
        "severity": severity,
        "mine": mine,
        "overdue": overdue,
        "unassigned": unassigned,
    }
    incidents = selectors.with_sla(
        list(
            selectors.queue(
                user=user,
                state=state,
                severity=severity or None,
                mine=mine,
                overdue=overdue,
                unassigned=unassigned,
            )[:QUEUE_SHOWN]
        )
    )
    return render(
        request,
        "warroom/pages/queue.html",
        {
            "incidents": incidents,
            "filters": filters,
            "params": urlencode({k: v for k, v in filters.items() if v}),
            "states": IncidentState.choices,
            "severities": Severity.choices,
            "can_triage": user.can(Capability.TRIAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user, Capability.TRIAGE)
    form = IncidentForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incident_services.incident_open_manual(
                actor=user,
                unit=data["unit"],
                title=data["title"],
                claim=data["claim"],
                severity=data["severity"],
            )
        except WarroomError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Incident opened."))
            return redirect("warroom:incident", incident_id=incident.id)
    return render(request, "warroom/pages/incident_new.html", {"form": form})


def _incident_context(user: User, incident: Incident) -> dict[str, Any]:
    now = timezone.now()
    responses = list(selectors.responses_of(incident=incident))
    for r in responses:
        r.may_approve = response_services.can_approve(user=user, response=r)  # type: ignore[attr-defined]
    return {
        "incident": incident,
        "sla": selectors.sla_status(incident, now=now),
        "now": now,
        "timeline": list(selectors.timeline(incident=incident)),
        "matches": selectors.matches(incident=incident),
        "districts": selectors.districts(incident=incident),
        "responses": responses,
        "effect": selectors.response_effect(incident=incident, now=now),
        "transitions": [
            (s, IncidentState(s).label)
            for s in IncidentState.values
            if s in MANUAL_TRANSITIONS.get(incident.state, frozenset())
        ],
        "can_triage": user.can(Capability.TRIAGE),
        "can_approve": user.can(Capability.APPROVE_RESPONSES),
        "user_id": user.id,
    }


@login_required
@require_GET
def incident_detail(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = _user(request)
    incident = selectors.access_incident(user=user, incident_id=incident_id)
    _require_warroom(user)
    return render(request, "warroom/pages/incident.html", _incident_context(user, incident))


@login_required
@require_POST
def incident_assign(request: HtmxRequest, incident_id: int) -> HttpResponse:
    """ "I'll take it": the first analyst wins; everyone else sees who did."""
    user = _user(request)
    incident = selectors.access_incident(user=user, incident_id=incident_id)
    _require(user, Capability.TRIAGE)
    try:
        won = incident_services.incident_assign(incident_id=incident.id, assignee=user, actor=user)
    except TrainingRequired as exc:
        return _training_required(request, exc)
    incident = selectors.access_incident(user=user, incident_id=incident.id)
    if _partial(request):
        return render(
            request,
            "warroom/partials/assignee.html",
            {"incident": incident, "won": won, "can_triage": True, "tried": True},
        )
    if not won:
        messages.info(request, _("Someone else has already taken this incident."))
    return redirect("warroom:incident", incident_id=incident.id)


def _training_required(request: HtmxRequest, exc: TrainingRequired) -> HttpResponse:
    """403 naming the modules to pass, with links to them; an HTMX button goes to the page."""
    first = exc.modules[0]
    if _partial(request):
        messages.error(request, str(exc.args[0]))
        response = HttpResponse(str(exc.args[0]), status=403)
        response["HX-Redirect"] = reverse("training:module", kwargs={"module_id": first.id})
        return response
    return render(
        request, "warroom/pages/training_required.html", {"modules": exc.modules}, status=403
    )


@login_required
@require_POST
def incident_release(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = _user(request)
    incident = selectors.access_incident(user=user, incident_id=incident_id)
    _require(user, Capability.TRIAGE)
    incident_services.incident_release(incident_id=incident.id, actor=user)
    return redirect("warroom:incident", incident_id=incident.id)


@login_required
@require_POST
def incident_triage(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = _user(request)
    incident = selectors.access_incident(user=user, incident_id=incident_id)
    _require(user, Capability.TRIAGE)
    try:
        triage_services.incident_triage(incident_id=incident.id, actor=user)
    except WarroomError as exc:
        messages.error(request, str(exc))
    return redirect("warroom:incident", incident_id=incident.id)


@login_required
@require_POST
def incident_state(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = _user(request)
    incident = selectors.access_incident(user=user, incident_id=incident_id)
    _require(user, Capability.TRIAGE)
    try:
        incident_services.incident_transition(
            incident_id=incident.id,
            to_state=request.POST.get("to", ""),
            actor=user,
            note=request.POST.get("note", ""),
        )
    except WarroomError as exc:
        messages.error(request, str(exc))
    return redirect("warroom:incident", incident_id=incident.id)


def _opened(request: HttpRequest, user: User, incident: Incident, created: bool) -> HttpResponse:
    if not selectors.incidents_visible(user=user).filter(id=incident.id).exists():
        messages.info(request, _("The war room above you is already working on this."))
        return redirect("warroom:queue")
    if created:
        messages.success(request, _("Incident opened."))
    else:
        messages.info(request, _("An incident was already open for this; here it is."))
    return redirect("warroom:incident", incident_id=incident.id)


@login_required
@require_POST
def open_from_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = _user(request)
    alert = monitoring_selectors.access_alert(user=user, alert_id=alert_id)
    _require(user, Capability.TRIAGE)
    incident, created = incident_services.incident_open_from_alert(alert_id=alert.id, actor=user)
    return _opened(request, user, incident, created)


@login_required
@require_POST
def open_from_narrative(request: HttpRequest, narrative_id: int) -> HttpResponse:
    user = _user(request)
    narrative = monitoring_selectors.access_narrative(user=user, narrative_id=narrative_id)
    _require(user, Capability.TRIAGE)
    incident, created = incident_services.incident_open_from_narrative(
        narrative_id=narrative.id, actor=user
    )
    return _opened(request, user, incident, created)


@login_required
@require_POST
def open_from_post(request: HttpRequest, post_id: int) -> HttpResponse:
    user = _user(request)
    post = get_object_or_404(monitoring_selectors.posts_visible(user=user), id=post_id)
    _require(user, Capability.TRIAGE)
    incident, created = incident_services.incident_open_from_tip(post_id=post.id, actor=user)
    return _opened(request, user, incident, created)


# -- responses ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def response_new(request: HttpRequest, incident_id: int) -> HttpResponse:
    user = _user(request)
    incident = selectors.access_incident(user=user, incident_id=incident_id)
    _require(user, Capability.TRIAGE)
    choices = _fact_check_choices(incident)
    initial = {"fact_check": choices[0][0]} if choices else {}
    form = DraftForm(request.POST or None, user=user, fact_checks=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            response = response_services.response_draft(
                incident_id=incident.id,
                author=user,
                fact_check_id=data["fact_check"],
                template_hi_id=data["template_hi"].id if data["template_hi"] else None,
                template_en_id=data["template_en"].id if data["template_en"] else None,
                language=data["language"],
            )
        except WarroomError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("warroom:response", response_id=response.id)
    return render(request, "warroom/pages/response_new.html", {"incident": incident, "form": form})


def _response_context(user: User, response: Response, form: ResponseForm | None) -> dict[str, Any]:
    return {
        "response": response,
        "incident": response.incident,
        "form": form,
        "note_form": NoteForm(),
        "editable": response.author_id == user.id
        and response.state in (ResponseState.DRAFT, ResponseState.REJECTED),
        "may_approve": response_services.can_approve(user=user, response=response),
        "is_author": response.author_id == user.id,
    }


@login_required
@require_http_methods(["GET", "POST"])
def response_detail(request: HttpRequest, response_id: int) -> HttpResponse:
    """A response: read it, or (its author, while a draft) edit it."""
    user = _user(request)
    response = selectors.access_response(user=user, response_id=response_id)
    _require_warroom(user)
    choices = _fact_check_choices(response.incident)
    if response.fact_check_id and response.fact_check_id not in {c for c, _l in choices}:
        fc = response.fact_check
        assert fc is not None
        choices.insert(
            0,
            (
                fc.id,
                f"{publisher_of(fc)} · {fc.title or fc.claim_reviewed}"[:160],
            ),
        )
    form = ResponseForm(
        request.POST or None,
        fact_checks=choices,
        initial={
            "text_hi": response.text_hi,
            "text_en": response.text_en,
            "fact_check": response.fact_check_id,
            "language": response.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            response_services.response_update(
                response_id=response.id,
                actor=user,
                text_hi=data["text_hi"],
                text_en=data["text_en"],
                fact_check_id=data["fact_check"],
                language=data["language"],
            )
        except WarroomError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("warroom:response", response_id=response.id)
    return render(request, "warroom/pages/response.html", _response_context(user, response, form))


def _response_action(request: HttpRequest, response_id: int, action: str) -> HttpResponse:
    user = _user(request)
    response = selectors.access_response(user=user, response_id=response_id)
    _require_warroom(user)
    note = request.POST.get("note", "")
    try:
        if action == "submit":
            response_services.response_submit(response_id=response.id, actor=user)
            messages.success(request, _("Sent for approval."))
        elif action == "approve":
            response_services.response_approve(response_id=response.id, actor=user, note=note)
            messages.success(request, _("Approved. Publish it when ready."))
        elif action == "reject":
            response_services.response_reject(response_id=response.id, actor=user, note=note)
            messages.success(request, _("Sent back to the author."))
        else:
            response_services.response_publish(response_id=response.id, actor=user)
            messages.success(request, _("Published: the kit goes out to the volunteers."))
    except WarroomError as exc:
        messages.error(request, str(exc))
    return redirect("warroom:response", response_id=response.id)


@login_required
@require_POST
def response_submit(request: HttpRequest, response_id: int) -> HttpResponse:
    return _response_action(request, response_id, "submit")


@login_required
@require_POST
def response_approve(request: HttpRequest, response_id: int) -> HttpResponse:
    return _response_action(request, response_id, "approve")


@login_required
@require_POST
def response_reject(request: HttpRequest, response_id: int) -> HttpResponse:
    return _response_action(request, response_id, "reject")


@login_required
@require_POST
def response_publish(request: HttpRequest, response_id: int) -> HttpResponse:
    return _response_action(request, response_id, "publish")


# -- templates ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_warroom(user)
    can_manage = user.can(Capability.APPROVE_RESPONSES)
    form = TemplateForm(request.POST or None, user=user, initial={"active": True})
    if request.method == "POST":
        _require(user, Capability.APPROVE_RESPONSES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                template_services.template_save(
                    actor=user,
                    name=data["name"],
                    language=data["language"],
                    body=data["body"],
                    unit=data["unit"],
                    active=data["active"],
                )
            except WarroomError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Template saved."))
                return redirect("warroom:templates")
    return render(
        request,
        "warroom/pages/templates.html",
        {
            "templates": list(selectors.templates_visible(user=user)),
            "form": form if can_manage else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    user = _user(request)
    template = selectors.access_template(user=user, template_id=template_id)
    _require(user, Capability.APPROVE_RESPONSES)
    form = TemplateForm(
        request.POST or None,
        user=user,
        initial={
            "name": template.name,
            "language": template.language,
            "body": template.body,
            "unit": template.unit_id,
            "active": template.active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template_services.template_save(
                actor=user,
                template_id=template.id,
                name=data["name"],
                language=data["language"],
                body=data["body"],
                unit=data["unit"],
                active=data["active"],
            )
        except WarroomError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Template saved."))
            return redirect("warroom:templates")
    return render(request, "warroom/pages/template_edit.html", {"template": template, "form": form})


@login_required
@require_POST
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    user = _user(request)
    template = selectors.access_template(user=user, template_id=template_id)
    _require(user, Capability.APPROVE_RESPONSES)
    template_services.template_delete(template_id=template.id, actor=user)
    messages.success(request, _("Template retired."))
    return redirect("warroom:templates")


# -- the duty roster ---------------------------------------------------------------------------


def _week_start() -> dt.datetime:
    today = timezone.localdate()
    start = today - dt.timedelta(days=today.weekday())
    return timezone.make_aware(dt.datetime.combine(start, dt.time()))


@login_required
@require_http_methods(["GET", "POST"])
def shift_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_warroom(user)
    scope_root(user=user)
    can_manage = user.can(Capability.APPROVE_RESPONSES)
    form = ShiftForm(request.POST or None, user=user)
    if request.method == "POST":
        _require(user, Capability.APPROVE_RESPONSES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                roster_services.shift_create(
                    actor=user,
                    unit=data["unit"],
                    user=data["user"],
                    role=data["role"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                )
            except WarroomError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Shift added."))
                return redirect("warroom:shifts")
    try:
        offset = int(request.GET.get("week", "0") or 0)
    except ValueError:
        offset = 0
    start = _week_start() + dt.timedelta(weeks=max(-52, min(52, offset)))
    now = timezone.now()
    return render(
        request,
        "warroom/pages/shifts.html",
        {
            "shifts": list(selectors.roster(user=user, start=start)),
            "start": start,
            "end": start + dt.timedelta(days=6),
            "week": offset,
            "now": now,
            "form": form if can_manage else None,
            "can_manage": can_manage,
            "user_id": user.id,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def shift_edit(request: HttpRequest, shift_id: int) -> HttpResponse:
    """The hand-over note of a shift (the person on duty, or an approver)."""
    user = _user(request)
    shift = selectors.access_shift(user=user, shift_id=shift_id)
    _require_warroom(user)
    if shift.user_id != user.id:
        _require(user, Capability.APPROVE_RESPONSES)
    form = HandoverForm(request.POST or None, initial={"handover_note": shift.handover_note})
    if request.method == "POST" and form.is_valid():
        roster_services.shift_handover(
            shift_id=shift.id, actor=user, note=form.cleaned_data["handover_note"]
        )
        messages.success(request, _("Hand-over note saved."))
        return redirect("warroom:shifts")
    return render(
        request,
        "warroom/pages/shift_edit.html",
        {"shift": shift, "form": form, "can_manage": user.can(Capability.APPROVE_RESPONSES)},
    )


@login_required
@require_POST
def shift_delete(request: HttpRequest, shift_id: int) -> HttpResponse:
    user = _user(request)
    shift = selectors.access_shift(user=user, shift_id=shift_id)
    _require(user, Capability.APPROVE_RESPONSES)
    roster_services.shift_delete(shift_id=shift.id, actor=user)
    messages.success(request, _("Shift removed."))
    return redirect("warroom:shifts")
