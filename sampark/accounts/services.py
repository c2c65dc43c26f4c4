"""Writes of the accounts app: the second factor (TOTP device and backup codes), issue #12."""

from __future__ import annotations

import django_otp
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sampark.accounts import audit
from sampark.accounts.models import User

BACKUP_CODES = 10


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The user's authenticator awaiting its first code; created on the first call, then the
    same one (so the QR code does not change on a reload)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_device_confirm(*, user: User, token: str) -> tuple[TOTPDevice, list[str]] | None:
    """Confirm the pending authenticator with a code it shows; return it with fresh backup
    codes, or None when the code is wrong. A confirmed authenticator replaces any earlier one."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("id")
            .first()
        )
        if device is None or not device.verify_token(_clean(token)):
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(id=device.id).delete()
        codes = _replace_backup_codes(user)
        audit.user_event(verb="mfa_enrolled", user=user, actor=user)
    return device, codes


def backup_codes_renew(*, user: User) -> list[str]:
    """Replace the user's backup codes with BACKUP_CODES new ones (the old ones stop working)."""
    with transaction.atomic():
        codes = _replace_backup_codes(user)
        audit.user_event(verb="backup_codes_renewed", user=user, actor=user)
    return codes


def mfa_verify(*, user: User, token: str) -> Device | None:
    """The device that accepts `token`: the authenticator for a 6-digit code, else an unused
    backup code (spent by this call). None when nothing accepts it; each device throttles its
    own failures (django-otp doubles the wait after each)."""
    token = _clean(token)
    kind = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    with transaction.atomic():
        for device in django_otp.devices_for_user(user):
            if isinstance(device, kind):
                verified = django_otp.verify_token(user, device.persistent_id, token)
                if verified is not None:
                    if isinstance(verified, StaticDevice):
                        audit.user_event(
                            verb="backup_code_used",
                            user=user,
                            actor=user,
                            data={"left": verified.token_set.count()},
                        )
                    return verified
    return None


def _clean(token: str) -> str:
    return "".join(token.split()).replace("-", "").lower()


def _replace_backup_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="backup codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
