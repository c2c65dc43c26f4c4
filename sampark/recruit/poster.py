"""The printable QR poster of a drive: an A4 PDF (WeasyPrint) with the unit's name in Hindi,
a QR code (segno, SVG) of the unit's join link, and the link itself written out.

Devanagari is shaped by WeasyPrint's HarfBuzz with Debian's fonts-noto-core (Noto Sans
Devanagari / Noto Serif Devanagari) named first in the font stack; the poster is Hindi first
whatever the page's language, with English underneath.
"""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import translation

from sampark.geo.models import Unit
from sampark.geo.naming import unit_name
from sampark.recruit import links


def qr_svg(url: str, *, scale: int = 10) -> str:
    """An inline SVG QR code; error level M survives a crease or a smudge."""
    return str(segno.make(url, error="m").svg_inline(scale=scale, dark="#111111"))


def poster_html(*, unit: Unit, referrer_id: int | None = None) -> str:
    url = links.join_url(unit_id=unit.id, referrer_id=referrer_id, via_qr=True)
    with translation.override("hi"):
        name_hi = unit_name(unit, numbered=True, language="hi")
        level_hi = str(unit.get_level_display())
    return render_to_string(
        "recruit/poster.html",
        {
            "unit": unit,
            "name_hi": name_hi,
            "level_hi": level_hi,
            "name_en": unit_name(unit, numbered=True, language="en"),
            "qr": qr_svg(url),
            "url": url,
        },
    )


def poster_pdf(*, unit: Unit, referrer_id: int | None = None) -> bytes:
    """The poster as PDF bytes (WeasyPrint is imported here: only this page needs it)."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf = HTML(string=poster_html(unit=unit, referrer_id=referrer_id)).write_pdf()
    assert pdf is not None
    return bytes(pdf)
