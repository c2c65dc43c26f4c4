"""My events: the events a volunteer may attend, registration in one tap, the QR ticket (on the
phone and as a PDF), and cancellation. The rules are the events app's; this is its phone screen.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampark.app.views.common import no_person
from sampark.core.http import request_user as _user
from sampark.events import selectors as events_selectors
from sampark.events import services as events_services
from sampark.events import tickets as events_tickets
from sampark.events.enums import RegistrationSource


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.person_id is None:
        return no_person(request)
    rows = events_selectors.my_events(user=user, now=timezone.now())
    return render(request, "app/pages/events.html", {"rows": rows})


@login_required
@require_POST
def event_register(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    event = events_selectors.access_event(user=user, event_id=event_id)
    if user.person_id is None:
        return no_person(request)
    try:
        registration = events_services.registration_create(
            event_id=event.id, person_id=user.person_id, source=RegistrationSource.APP, actor=user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("app:events")
    if registration.status == "waitlisted":
        messages.info(request, _("The event is full: you are on the waitlist."))
    else:
        messages.success(request, _("You are registered. Show this ticket at the gate."))
    return redirect("app:event_ticket", event_id=event.id)


@login_required
@require_POST
def event_cancel(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    registration = events_selectors.my_registration(user=user, event_id=event_id)
    if registration is None:
        return redirect("app:events")
    events_services.registration_cancel(registration_id=registration.id, actor=user)
    messages.success(
        request, _("Your registration is cancelled; your seat goes to the next person.")
    )
    return redirect("app:events")


@login_required
@require_GET
def event_ticket(request: HttpRequest, event_id: int) -> HttpResponse:
    user = _user(request)
    registration = events_selectors.my_registration(user=user, event_id=event_id)
    if registration is None:
        # Not registered (yet): the list offers the one-tap registration.
        return redirect("app:events")
    token = events_tickets.sign(event_id=registration.event_id, code=registration.ticket.code)
    return render(
        request,
        "app/pages/event_ticket.html",
        {
            "registration": registration,
            "event": registration.event,
            "qr": events_tickets.qr_svg_uri(token),
            "code": events_tickets.pretty(registration.ticket.code),
        },
    )


@login_required
@require_GET
def event_ticket_pdf(request: HttpRequest, event_id: int) -> HttpResponse:
    from sampark.events.pdf import ticket_pdf

    user = _user(request)
    registration = events_selectors.my_registration(user=user, event_id=event_id)
    if registration is None:
        return redirect("app:events")
    response = HttpResponse(ticket_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ticket-{registration.event_id}.pdf"'
    return response
