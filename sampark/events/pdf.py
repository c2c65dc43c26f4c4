"""The printable ticket: WeasyPrint with the Noto fonts, so Devanagari names are shaped."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from django.template.loader import render_to_string

from sampark.events import tickets

if TYPE_CHECKING:
    from sampark.events.models import Registration


def ticket_pdf(registration: Registration) -> bytes:
    """One A6 page: event, person, the QR and the typed code."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: only for a PDF

    ticket = registration.ticket
    token = tickets.sign(event_id=registration.event_id, code=ticket.code)
    qr = "data:image/png;base64," + base64.b64encode(tickets.qr_png(token)).decode()
    html = render_to_string(
        "events/ticket_pdf.html",
        {
            "registration": registration,
            "event": registration.event,
            "qr": qr,
            "code": tickets.pretty(ticket.code),
        },
    )
    return bytes(HTML(string=html).write_pdf())
