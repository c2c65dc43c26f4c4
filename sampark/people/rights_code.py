"""A phone-only one-time code for the public "my data" page (no account needed).

Reuses the OTP hashing of `people.services`. A code is "sent" for any valid number, known or
not, and the answer is the same, so the page does not tell who is on record; the SMS goes out
only to numbers of persons on record.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.people import privacy, selectors, services, validation
from sampark.people.models import Person, RightsCode
from sampark.people.sms import get_sms_backend, sms_enabled


def code_send(*, phone: str) -> None:
    """Send a 6-digit code to this number if a person holds it; earlier codes stop working."""
    if not sms_enabled():
        raise services.OtpUnavailable(
            _("Codes cannot be sent now. Write to the grievance officer instead.")
        )
    clean = validation.normalize_phone(phone)
    digest = privacy.phone_hash(clean)
    now = timezone.now()
    per_hour = int(getattr(settings, "OTP_MAX_SENDS_PER_HOUR", 5))
    recent = RightsCode.objects.filter(
        phone_hash=digest, created_at__gte=now - dt.timedelta(hours=1)
    )
    if recent.count() >= per_hour:
        raise ValidationError(
            _("Too many codes were sent to this phone. Try again in an hour."), code="otp_rate"
        )
    ttl = int(settings.OTP_TTL_SECONDS)
    code = f"{secrets.randbelow(10**services.OTP_DIGITS):0{services.OTP_DIGITS}d}"
    with transaction.atomic():
        RightsCode.objects.filter(phone_hash=digest, used_at=None, expires_at__gt=now).update(
            expires_at=now
        )
        RightsCode.objects.create(
            phone_hash=digest,
            code_hash=services._otp_hash(code, secrets.token_hex(8)),
            expires_at=now + dt.timedelta(seconds=ttl),
            created_at=now,
        )
        if selectors.person_by_phone(phone=clean) is not None:
            text = _(
                "Sampark: your code to see your data is %(code)s. It is valid for %(minutes)d "
                "minutes. Do not share it."
            ) % {"code": code, "minutes": max(1, ttl // 60)}
            get_sms_backend().send(to=clean, text=text)


def code_confirm(*, phone: str, code: str) -> Person | None:
    """The person holding `phone` when `code` is its latest unused code, else None.

    Each try counts (at most OTP_MAX_ATTEMPTS); a code works once.
    """
    try:
        clean_phone = validation.normalize_phone(phone)
    except ValidationError:
        return None
    digest = privacy.phone_hash(clean_phone)
    clean = validation.ascii_digits(code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        latest = (
            RightsCode.objects.filter(phone_hash=digest, used_at=None)
            .order_by("-created_at", "-id")
            .first()
        )
        if latest is None or latest.expires_at <= now:
            return None
        counted = RightsCode.objects.filter(
            id=latest.id, used_at=None, attempts__lt=int(settings.OTP_MAX_ATTEMPTS)
        ).update(attempts=F("attempts") + 1)
        if counted != 1:
            return None
        if not re.fullmatch(rf"[0-9]{{{services.OTP_DIGITS}}}", clean):
            return None
        if not services._otp_matches(clean, latest.code_hash):
            return None
        if RightsCode.objects.filter(id=latest.id, used_at=None).update(used_at=now) != 1:
            return None
        return selectors.person_by_phone(phone=clean_phone)
