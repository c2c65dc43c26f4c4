"""Writes of the accounts app: the second factor (TOTP device and backup codes), issue #12."""

from __future__ import annotations

import datetime as dt
import secrets

import django_otp
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sampark.accounts import audit
from sampark.accounts.models import PhoneCode, RoleGrant, User
from sampark.geo.models import Unit

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


# --- phone sign-in codes (issue #13) ---

CODE_DIGITS = 6
_CODE_SALT = "sampark.accounts.phone_code"


class SigninLimitedError(Exception):
    """Too many codes or tries: `retry_after` seconds until the next one is allowed."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


def _code_hash(code: str, salt: str) -> str:
    digest = salted_hmac(_CODE_SALT, f"{salt}:{code}", algorithm="sha256").hexdigest()
    return f"{salt}${digest}"


def _hour_counter(key: str) -> int:
    """Add one to an hourly counter in the cache; its new value."""
    cache.add(key, 0, timeout=3600)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        return 1


def phone_code_issue(*, phone: str, ip: str | None, channel: str = "sms") -> tuple[int, str]:
    """A fresh 6-digit code for `phone` (E.164): (its row id, the code). Earlier codes stop
    working. SigninLimitedError inside the resend cooldown, past OTP_MAX_SENDS_PER_HOUR for the
    number or OTP_MAX_SENDS_PER_IP_HOUR for the address. The caller sends the code."""
    now = timezone.now()
    with transaction.atomic():
        recent = list(
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, created_at__gte=now - dt.timedelta(hours=1))
            .order_by("-created_at")
            .values_list("created_at", flat=True)
        )
        cooldown = int(settings.OTP_RESEND_SECONDS)
        if recent and (now - recent[0]).total_seconds() < cooldown:
            wait = cooldown - int((now - recent[0]).total_seconds())
            raise SigninLimitedError(
                _("A code was sent a moment ago. Ask again in %(s)s seconds.") % {"s": wait},
                retry_after=wait,
            )
        if len(recent) >= int(settings.OTP_MAX_SENDS_PER_HOUR):
            wait = 3600 - int((now - recent[-1]).total_seconds())
            raise SigninLimitedError(
                _("Too many codes were sent to this phone. Try again in an hour."),
                retry_after=wait,
            )
        if ip and _hour_counter(f"signin:send:{ip}") > int(settings.OTP_MAX_SENDS_PER_IP_HOUR):
            raise SigninLimitedError(
                _("Too many codes were asked from this network. Try again in an hour."),
                retry_after=3600,
            )
        PhoneCode.objects.filter(phone=phone, used_at=None, expires_at__gt=now).update(
            expires_at=now
        )
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        row = PhoneCode.objects.create(
            phone=phone,
            code_hash=_code_hash(code, secrets.token_hex(8)),
            channel=channel,
            ip=ip,
            created_at=now,
            expires_at=now + dt.timedelta(seconds=int(settings.OTP_TTL_SECONDS)),
        )
    return row.id, code


def phone_code_check(*, phone: str, code: str, ip: str | None) -> bool:
    """Whether `code` is the latest live code of `phone`; a right code works once. Every try
    counts (at most OTP_MAX_ATTEMPTS per code); SigninLimitedError past
    OTP_MAX_FAILS_PER_IP_HOUR wrong codes from one address."""
    fails_key = f"signin:fail:{ip}"
    if ip and int(cache.get(fails_key) or 0) >= int(settings.OTP_MAX_FAILS_PER_IP_HOUR):
        raise SigninLimitedError(
            _("Too many wrong codes from this network. Try again in an hour."), retry_after=3600
        )
    clean = "".join(code.split())
    now = timezone.now()
    with transaction.atomic():
        row = PhoneCode.objects.filter(phone=phone, used_at=None).order_by("-created_at").first()
        ok = row is not None and row.expires_at > now
        if ok and row is not None:
            # Count the try first, conditionally, so parallel guesses cannot pass the cap.
            ok = (
                PhoneCode.objects.filter(
                    id=row.id, used_at=None, attempts__lt=int(settings.OTP_MAX_ATTEMPTS)
                ).update(attempts=F("attempts") + 1)
                == 1
            )
        if ok and row is not None:
            salt = row.code_hash.partition("$")[0]
            ok = (
                clean.isdigit()
                and len(clean) == CODE_DIGITS
                and constant_time_compare(_code_hash(clean, salt), row.code_hash)
                and PhoneCode.objects.filter(id=row.id, used_at=None).update(used_at=now) == 1
            )
    if not ok and ip:
        _hour_counter(fails_key)
    return ok


# --- accounts that come from the organisation (issue #13) ---


def organisation_account_sync(
    *, person_id: int, name: str, role: str | None, unit: Unit | None
) -> User | None:
    """Make the person's account say what their verified position implies: created at the
    first sign-in with `role` on `unit`; with `role` None (no verified position left) the roles
    a position gave are taken away, and the unit with them when no other role remains.
    Roles given by hand (an admin, an in-charge) are left alone. Returns the user, or None when
    the person has no account and no position."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(person_id=person_id).first()
        if user is None and (role is None or unit is None):
            return None
        if user is None:
            user = User(username=f"p{person_id}", first_name=name[:150], unit=unit)
            user.person_id = person_id
            user.set_unusable_password()
            user.save()
            audit.user_event(
                verb="created_from_position", user=user, actor=None, data={"role": role}
            )
        grants = RoleGrant.objects.filter(user=user, source=RoleGrant.Source.POSITION)
        had = set(grants.values_list("role", flat=True))
        if role is None or unit is None:
            if had:
                grants.delete()
                alone = not RoleGrant.objects.filter(user=user).exists()
                # Written while the user still has the unit, so its in-charges see the row.
                audit.user_event(
                    verb="position_ended",
                    user=user,
                    actor=None,
                    data={"roles": sorted(had), "unit_cleared": alone},
                )
                if alone:
                    user.unit = None
                    user.save(update_fields=["unit"])
        elif had != {role} or user.unit_id != unit.id:
            grants.exclude(role=role).delete()
            RoleGrant.objects.filter(user=user, role=role).update(source=RoleGrant.Source.POSITION)
            RoleGrant.objects.get_or_create(
                user=user, role=role, defaults={"source": RoleGrant.Source.POSITION}
            )
            user.unit = unit
            user.save(update_fields=["unit"])
            audit.user_event(
                verb="position_synced",
                user=user,
                actor=None,
                data={"role": role, "unit": unit.path},
            )
        user.__dict__.pop("_role_cache", None)  # roles changed: read them again
    return user
