"""The certificate: WeasyPrint with the Noto fonts (fonts-noto-core), so Devanagari is shaped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.urls import reverse

if TYPE_CHECKING:
    from sampark.training.models import Completion


def pretty_code(code: str) -> str:
    """ABCDE-FGHJK: easier to read out and type."""
    return f"{code[:5]}-{code[5:]}" if len(code) > 5 else code


def certificate_pdf(completion: Completion, *, base_url: str = "") -> bytes:
    """One A4 landscape page in Hindi and English, with the verification code."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy: only for a PDF

    html = render_to_string(
        "training/certificate_pdf.html",
        {
            "completion": completion,
            "module": completion.module,
            "code": pretty_code(completion.code),
            "verify_url": base_url + reverse("training:verify"),
        },
    )
    return bytes(HTML(string=html).write_pdf())
