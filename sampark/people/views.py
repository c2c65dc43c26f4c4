"""People pages: list, detail, add to a position, verify/end (HTMX rows), OTP and consent."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import access_unit, scope_root
from sampark.core.http import HtmxRequest as HtmxHttpRequest
from sampark.core.http import request_user as _user
from sampark.people import audit, selectors, services, validation
from sampark.people.enums import AssignmentStatus, VerifyMethod
from sampark.people.forms import (
    FIELD_FOR_CODE,
    NOTICE_VERSION,
    SIGNUP_CONSENTS,
    ConsentForm,
    EndForm,
    OtpConfirmForm,
    PersonFilterForm,
    PersonNewForm,
)
from sampark.people.models import Assignment, Person, PositionKind

PAGE_SIZE = 50


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PersonFilterForm(request.GET or None)
    q = status = ""
    unit = None
    if form.is_valid():
        q = form.cleaned_data["q"]
        status = form.cleaned_data["status"]
        if form.cleaned_data["unit"]:
            unit = access_unit(user=user, unit_id=form.cleaned_data["unit"])
    persons = selectors.persons_for_list(user=user, q=q, status=status, unit=unit).order_by("-id")
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    masked = not user.can(Capability.SEE_PHONES)
    rows = [
        {
            "person": person,
            "phone": validation.display_phone(person.phone, masked=masked),
            "positions": getattr(person, "scoped_assignments", []),
        }
        for person in page.object_list
    ]
    if not masked:
        audit.phones_read(
            actor=user,
            what="people.list",
            rows=len(rows),
            filters={"q": q, "status": status, "page": page.number},
            unit=unit,
        )
    return render(
        request,
        "people/pages/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "unit": unit,
            "q": q,
            "status": status,
            "can_search_phone": not masked,
            "can_manage": user.can(Capability.MANAGE_PEOPLE),
        },
    )


def _row_context(user: User, assignment: Assignment, **extra: Any) -> dict[str, Any]:
    return {
        "a": assignment,
        "can_verify": user.can(Capability.VERIFY_WORKERS)
        and assignment.person_id != user.person_id,
        "can_end": user.can(Capability.MANAGE_PEOPLE) or assignment.person_id == user.person_id,
        **extra,
    }


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    user = _user(request)
    person = selectors.access_person(user=user, person_id=person_id)
    positions = [
        _row_context(user, a) for a in selectors.person_assignments(user=user, person=person)
    ]
    current = selectors.consent_current(person=person)
    return render(
        request,
        "people/pages/detail.html",
        {
            "person": person,
            "phone": selectors.phone_for(user=user, person=person),
            "phone_fix": selectors.phone_fix_for(user=user, person=person),
            "epic": selectors.epic_for(user=user, person=person),
            "age": _age(person),
            "positions": positions,
            "flags": person.flags.filter(resolved_at=None).order_by("-created_at", "-id"),
            "consent_current": sorted(current.values(), key=lambda e: (e.purpose, e.channel)),
            "consent_ledger": selectors.consent_ledger(person=person),
            "can_manage": selectors.can_handle_person(
                user=user, person=person, capability=Capability.MANAGE_PEOPLE
            ),
            "has_pending": any(p["a"].status == AssignmentStatus.PENDING for p in positions),
            "otp_available": services.otp_available(),
            "otp_form": OtpConfirmForm(),
            "consent_form": ConsentForm(),
        },
    )


def _age(person: Person) -> int | None:
    return person.age_on(timezone.localdate())


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    raw_unit = request.GET.get("unit") or request.POST.get("unit") or ""
    if raw_unit:
        if not raw_unit.isdigit():
            raise Http404("bad unit")
        unit = access_unit(user=user, unit_id=int(raw_unit))
    else:
        unit = scope_root(user=user)
    if not user.can(Capability.MANAGE_PEOPLE):
        raise PermissionDenied(_("Your role may not add people."))
    kinds = PositionKind.objects.filter(level=unit.level).order_by("order", "code")
    initial = {"kind": request.GET.get("kind", "")}
    form = PersonNewForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.person_enrol(
                name=data["name"],
                phone=data["phone"],
                epic=data["epic"],
                date_of_birth=data["date_of_birth"],
                gender=data["gender"],
                languages=form.language_list(),
                email=data["email"],
                unit=unit,
                kind_code=data["kind"],
                age_confirmed=data["age_confirmed"],
                consents=SIGNUP_CONSENTS if data["consent"] else (),
                notice_version=NOTICE_VERSION,
                source="form",
                actor=user,
            )
        except ValidationError as exc:
            for error in exc.error_list:
                form.add_error(FIELD_FOR_CODE.get(error.code or ""), error)
        else:
            if result.created:
                messages.success(request, _("%(name)s was added.") % {"name": result.person.name})
            else:
                messages.info(
                    request,
                    _(
                        "This phone number was already registered; the position was added to %(name)s."
                    )
                    % {"name": result.person.name},
                )
            return redirect("people:detail", person_id=result.person.id)
    holders = selectors.assignments_for_unit(unit=unit)
    return render(
        request,
        "people/pages/new.html",
        {"form": form, "unit": unit, "holders": holders},
    )


def _row_response(
    request: HtmxHttpRequest, user: User, assignment_id: int, error: str = ""
) -> HttpResponse:
    assignment = selectors.access_assignment(user=user, assignment_id=assignment_id)
    if request.htmx:
        return render(
            request,
            "people/partials/position_row.html",
            _row_context(user, assignment, error=error),
        )
    if error:
        messages.error(request, error)
    return redirect("people:detail", person_id=assignment.person_id)


@login_required
@require_POST
def assignment_verify(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    user = _user(request)
    assignment = selectors.access_assignment(user=user, assignment_id=assignment_id)
    won = services.assignment_verify(
        assignment_id=assignment.id, actor=user, method=VerifyMethod.INCHARGE
    )
    error = "" if won else _("This position is no longer awaiting verification.")
    return _row_response(request, user, assignment.id, error)


@login_required
@require_POST
def assignment_end(request: HtmxHttpRequest, assignment_id: int) -> HttpResponse:
    user = _user(request)
    assignment = selectors.access_assignment(user=user, assignment_id=assignment_id)
    form = EndForm(request.POST)
    if not form.is_valid():
        return _row_response(
            request, user, assignment.id, _("Give a reason for ending the position.")
        )
    try:
        ended = services.assignment_end(
            assignment_id=assignment.id, actor=user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        return _row_response(request, user, assignment.id, _errors(exc))
    error = "" if ended else _("This position has already ended.")
    return _row_response(request, user, assignment.id, error)


@login_required
@require_POST
def otp_send(request: HttpRequest, person_id: int) -> HttpResponse:
    user = _user(request)
    person = selectors.access_person(user=user, person_id=person_id)
    try:
        services.otp_send(person=person, actor=user)
    except services.OtpUnavailable as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(
            request,
            _("A code was sent to %(phone)s.")
            % {"phone": selectors.phone_for(user=user, person=person)},
        )
    return redirect("people:detail", person_id=person.id)


@login_required
@require_POST
def otp_confirm(request: HttpRequest, person_id: int) -> HttpResponse:
    user = _user(request)
    person = selectors.access_person(user=user, person_id=person_id)
    if not selectors.can_handle_person(
        user=user, person=person, capability=Capability.MANAGE_PEOPLE
    ):
        raise PermissionDenied(_("Your role may not do this."))
    form = OtpConfirmForm(request.POST)
    if form.is_valid() and services.otp_confirm(person=person, code=form.cleaned_data["code"]):
        messages.success(request, _("Phone confirmed; pending positions are now verified."))
    else:
        messages.error(request, _("The code is wrong or has expired."))
    return redirect("people:detail", person_id=person.id)


@login_required
@require_POST
def consent_record(request: HttpRequest, person_id: int) -> HttpResponse:
    user = _user(request)
    person = selectors.access_person(user=user, person_id=person_id)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The consent form was not complete."))
        return redirect("people:detail", person_id=person.id)
    try:
        services.consent_record(person=person, actor=user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Consent recorded."))
    return redirect("people:detail", person_id=person.id)


@login_required
@require_POST
def phone_fix(request: HttpRequest, person_id: int) -> HttpResponse:
    """Confirm or reject the number reported for the person (e.g. on a call)."""
    user = _user(request)
    person = selectors.access_person(user=user, person_id=person_id)
    try:
        done = services.phone_correction_decide(
            person_id=person.id, actor=user, confirm=request.POST.get("decision") == "confirm"
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        if done:
            messages.success(request, _("The phone correction is recorded."))
    return redirect("people:detail", person_id=person.id)
