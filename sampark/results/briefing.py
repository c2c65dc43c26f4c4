"""Rendering a morning brief: the HTML both the page and the PDF use, the PDF, the e-mail.

The PDF is WeasyPrint over the same template as the page, with Debian's Noto fonts (Noto Sans
Devanagari shapes the Hindi); nothing is fetched over the network while rendering.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from sampark.accounts.enums import Role

if TYPE_CHECKING:
    from sampark.geo.models import Unit
    from sampark.results.models import Brief


def role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def context(brief: Brief, unit: Unit) -> dict[str, object]:
    return {
        "brief": brief,
        "unit": unit,
        "role_label": role_label(brief.role),
        "language": brief.language,
    }


def pdf_bytes(brief: Brief, unit: Unit) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    with translation.override(brief.language):
        html = render_to_string("results/brief/pdf.html", context(brief, unit))
    return bytes(HTML(string=html).write_pdf())


def email(brief: Brief, unit: Unit, *, to: str, url: str, user_id: int) -> EmailMultiAlternatives:
    """The brief as an e-mail: a short text with the page's link, the PDF attached."""
    with translation.override(brief.language):
        subject = _("Morning brief: %(unit)s, %(day)s") % {"unit": unit.name, "day": brief.day}
        text = _("Your morning brief is attached as a PDF and on this page: %(url)s") % {"url": url}
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        headers={"Message-ID": f"<brief-{brief.id}-{user_id}@sampark>"},
    )
    if brief.pdf:
        message.attach(f"brief-{brief.day}.pdf", bytes(brief.pdf), "application/pdf")
    return message
