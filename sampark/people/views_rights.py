"""The data principal's pages (DPDP Act 2023): the public privacy page with the grievance
officer's contact, "my data" after an OTP (or from the volunteer app), and the grievance
officer's queue of requests."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampark.core.http import request_user as _user
from sampark.people import rights, rights_code, selectors, services
from sampark.people.enums import RequestKind, RequestStatus, RequestVia
from sampark.people.forms_rights import (
    CorrectionForm,
    RequestCloseForm,
    RightsCodeForm,
    RightsPhoneForm,
)
from sampark.people.models import DataRequest, Person

SESSION_KEY = "rights_person"
SESSION_MINUTES = 15


def _errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


@require_GET
def privacy_page(request: HttpRequest) -> HttpResponse:
    """Public: the person's rights, how to use them, and the grievance officer's contact."""
    return render(
        request,
        "people/pages/privacy.html",
        {"officer": settings.SAMPARK_GRIEVANCE_OFFICER, "days": settings.SAMPARK_GRIEVANCE_DAYS},
    )


def _person(request: HttpRequest) -> tuple[Person | None, str]:
    """The person acting on their own data and how they came: signed in to the volunteer app,
    or a phone confirmed by code on this browser in the last minutes."""
    user = request.user
    if user.is_authenticated and _user(request).person_id is not None:
        return _user(request).person, RequestVia.APP
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("until", 0) < timezone.now().timestamp():
        return None, RequestVia.PUBLIC
    return selectors.person_by_id(person_id=int(held["id"])), RequestVia.PUBLIC


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("rights:my_data")


@never_cache
@require_http_methods(["GET", "POST"])
def my_data(request: HttpRequest) -> HttpResponse:
    """Public: confirm a phone by code, then download, correct, withdraw or ask for erasure."""
    person, via = _person(request)
    context: dict[str, Any] = {"person": person, "via": via}
    if person is None:
        context.update(_confirm_steps(request))
        if context.pop("confirmed", False):
            return redirect("rights:my_data")
    else:
        context["correction"] = CorrectionForm(initial={"name": person.name, "email": person.email})
        context["requests"] = rights.person_requests(person=person)
        context["consents"] = selectors.consent_current(person=person).values()
    return render(request, "people/pages/my_data.html", context)


def _confirm_steps(request: HttpRequest) -> dict[str, Any]:
    """Step 1 asks the phone and sends a code; step 2 checks the code."""
    if request.method == "POST" and "code" in request.POST:
        code_form = RightsCodeForm(request.POST)
        if code_form.is_valid():
            person = rights_code.code_confirm(
                phone=code_form.cleaned_data["phone"], code=code_form.cleaned_data["code"]
            )
            if person is not None:
                request.session.cycle_key()
                until = timezone.now().timestamp() + SESSION_MINUTES * 60
                request.session[SESSION_KEY] = {"id": person.id, "until": until}
                return {"confirmed": True}
            code_form.add_error("code", _("The code is wrong or has expired."))
        return {"code_form": code_form}
    phone_form = RightsPhoneForm(request.POST or None)
    if request.method == "POST" and phone_form.is_valid():
        try:
            rights_code.code_send(phone=phone_form.cleaned_data["phone"])
        except services.OtpUnavailable as exc:
            phone_form.add_error(None, str(exc))
        except ValidationError as exc:
            phone_form.add_error("phone", _errors(exc))
        else:
            return {
                "code_form": RightsCodeForm(initial={"phone": phone_form.cleaned_data["phone"]})
            }
    return {"phone_form": phone_form}


def _acting(request: HttpRequest) -> tuple[Person, str]:
    person, via = _person(request)
    if person is None:
        raise PermissionDenied(_("Confirm your phone first."))
    return person, via


@never_cache
@require_POST
def my_data_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The download: JSON, or a zip of JSON and one CSV per table."""
    person, via = _acting(request)
    if fmt not in ("json", "zip"):
        raise Http404
    data = rights.download(person=person, via=via)
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(rights.export_zip(data=data), "application/zip")
    response["Content-Disposition"] = f'attachment; filename="my-data.{fmt}"'
    return response


@require_POST
def my_data_correct(request: HttpRequest) -> HttpResponse:
    person, via = _acting(request)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the name and e-mail."))
        return _back(request)
    try:
        rights.correct(person=person, changes=form.cleaned_data, via=via)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Your data was corrected."))
    return _back(request)


@require_POST
def my_data_withdraw(request: HttpRequest) -> HttpResponse:
    person, via = _acting(request)
    rights.withdraw_all(person=person, via=via)
    messages.success(request, _("Your consent is withdrawn. We will not message you."))
    return _back(request)


@require_POST
def my_data_erase(request: HttpRequest) -> HttpResponse:
    person, via = _acting(request)
    req = rights.erasure_ask(person=person, via=via)
    messages.success(
        request,
        _("Your request for erasure is recorded. It will be done by %(date)s.")
        % {"date": timezone.localtime(req.due_at).date().isoformat()},
    )
    return _back(request)


@require_POST
def my_data_end(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("rights:privacy")


# --- the grievance officer's queue ---


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests in the user's area, open ones first by deadline."""
    user = _user(request)
    if not user.can("handle_grievances"):
        raise PermissionDenied(_("Your role may not do this."))
    status = request.GET.get("status", RequestStatus.RECEIVED)
    qs = rights.requests_visible(user=user)
    if status in RequestStatus.values:
        qs = qs.filter(status=status)
    rows = qs.order_by("due_at", "id")[:200]
    return render(
        request,
        "people/pages/requests.html",
        {"rows": rows, "status": status, "statuses": RequestStatus.choices, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """One request; closing an erasure as done carries it out."""
    user = _user(request)
    try:
        req = rights.selectors_access(actor=user, request_id=request_id)
    except DataRequest.DoesNotExist as exc:
        raise Http404 from exc
    if not user.can("handle_grievances"):
        raise PermissionDenied(_("Your role may not do this."))
    form = RequestCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rights.request_close(
                request_id=req.id,
                actor=user,
                done=request.POST.get("done") == "1",
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("people:request", request_id=req.id)
    return render(
        request,
        "people/pages/request.html",
        {"r": req, "form": form, "is_erasure": req.kind == RequestKind.ERASURE},
    )
