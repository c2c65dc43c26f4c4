"""Public pages: a walk-in registers with their phone (OTP) and gets a ticket; a ticket link.

No login. The event is addressed by its unguessable slug, the ticket by its signed token; the
person waiting for their code is kept in the session, never in the URL.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sampark.events import selectors, services, tickets
from sampark.people import services as people_services

SESSION_KEY = "events_walkin"


class WalkinForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Your name"), max_length=200)
    phone = forms.CharField(label=gettext_lazy("Mobile number"), max_length=20)


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code from the SMS"), max_length=10)


def _ticket_url(registration_event_id: int, code: str) -> str:
    return reverse(
        "events:public_ticket",
        kwargs={"token": tickets.sign(event_id=registration_event_id, code=code)},
    )


@require_http_methods(["GET", "POST"])
def walkin(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_by_slug(slug=slug)
    form = WalkinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person_id = services.walkin_start(
                event_id=event.id, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"]
            )
        except people_services.OtpUnavailable as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session[SESSION_KEY] = {"slug": slug, "person": person_id}
            return redirect("events:public_confirm", slug=slug)
    return render(request, "events/pages/walkin.html", {"event": event, "form": form})


@require_http_methods(["GET", "POST"])
def walkin_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_by_slug(slug=slug)
    pending = request.session.get(SESSION_KEY) or {}
    if pending.get("slug") != slug or not isinstance(pending.get("person"), int):
        return redirect("events:public", slug=slug)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.walkin_confirm(
                event_id=event.id, person_id=pending["person"], code=form.cleaned_data["code"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if registration is None:
                form.add_error("code", _("That code does not match. Check the SMS and try again."))
            else:
                request.session.pop(SESSION_KEY, None)
                return redirect(_ticket_url(registration.event_id, registration.ticket.code))
    return render(request, "events/pages/walkin_confirm.html", {"event": event, "form": form})


@require_GET
def public_ticket(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_by_token(token=token)
    if registration is None:
        raise Http404("no such ticket")
    if request.GET.get("format") == "pdf":
        from sampark.events.pdf import ticket_pdf

        response = HttpResponse(ticket_pdf(registration), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="ticket-{registration.event_id}.pdf"'
        )
        return response
    return render(
        request,
        "events/pages/ticket.html",
        {
            "registration": registration,
            "event": registration.event,
            "qr": tickets.qr_svg_uri(token),
            "code": tickets.pretty(registration.ticket.code),
        },
    )
