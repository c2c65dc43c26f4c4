"""Tickets: a random code a person can type, signed into the QR so a forged one is refused.

The code is 10 characters of an alphabet without look-alikes (I, O, 0, 1): 50 random bits, so
a code cannot be guessed. The QR carries `signing.dumps([event_id, code])` (HMAC-SHA256 with
the site's secret key): a gate can tell a ticket of another event from an unknown one, and a
typed code is looked up as it is.
"""

from __future__ import annotations

import io
import secrets

import segno
from django.core import signing

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
SALT = "sampark.events.ticket"
MAX_TOKEN = 200


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def pretty(code: str) -> str:
    """The code as printed and typed: two groups of five."""
    return f"{code[:5]}-{code[5:]}"


def sign(*, event_id: int, code: str) -> str:
    return signing.dumps([event_id, code], salt=SALT, compress=False)


def read(raw: str) -> tuple[int | None, str] | None:
    """(event id, code) from a scanned QR, (None, code) from a typed code; None if neither."""
    raw = (raw or "").strip()[:MAX_TOKEN]
    if ":" in raw:
        try:
            event_id, code = signing.loads(raw, salt=SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        if isinstance(event_id, int) and isinstance(code, str):
            return event_id, code
        return None
    typed = "".join(ch for ch in raw.upper() if ch.isalnum())
    if len(typed) == CODE_LENGTH and all(ch in ALPHABET for ch in typed):
        return None, typed
    return None


def qr_svg_uri(token: str) -> str:
    """The QR as an SVG data URI (img-src allows data:)."""
    return str(segno.make(token, error="m").svg_data_uri(scale=5, border=2))


def qr_png(token: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(token, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
