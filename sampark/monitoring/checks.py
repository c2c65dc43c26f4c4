"""System checks of listening: OCR switched on without tesseract is a warning, never a crash."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


def _missing_langs(langs: str) -> list[str]:
    try:
        out = subprocess.run(
            ["tesseract", "--list-langs"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return langs.split("+")
    have = {line.strip() for line in out.splitlines()[1:]}
    return [lang for lang in langs.split("+") if lang not in have]


@register()
def tesseract_available(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    conf = getattr(settings, "SAMPARK_OCR", {})
    if not conf.get("ENABLED"):
        return []
    hint = "apt-get install tesseract-ocr tesseract-ocr-hin (or SAMPARK_OCR_ENABLED=false)."
    if shutil.which("tesseract") is None:
        return [
            Warning(
                "OCR is on but tesseract is not installed", hint=hint, id="sampark.monitoring.W002"
            )
        ]
    missing = _missing_langs(str(conf.get("LANGS", "")))
    if missing:
        return [
            Warning(
                f"OCR is on but tesseract lacks the languages {', '.join(missing)}",
                hint=hint,
                id="sampark.monitoring.W002",
            )
        ]
    return []
