"""Signing in with a phone number (issue #13): a 6-digit code by SMS, then the account the
person's position implies.

The answer to "send me a code" is the same whether or not the number may sign in, so the page
does not tell who is in the organisation; the limits (per number, per address) apply to every
number. The code is one factor: a role that needs a second one still passes TOTP afterwards
(`accounts.middleware.MfaRequiredMiddleware`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sampark.accounts import services as accounts_services
from sampark.accounts.models import User
from sampark.core import audit
from sampark.integrations.base import ConnectorError
from sampark.people import orgaccounts, selectors, validation
from sampark.people.models import Person
from sampark.people.services import OtpUnavailable
from sampark.people.sms import OTP_TEMPLATE, get_sms_backend, sms_enabled

logger = logging.getLogger(__name__)

SigninLimitedError = accounts_services.SigninLimitedError


class SmsFailedError(Exception):
    """The SMS provider did not take the message; try again later."""


# Ways to bring a code that cost no SMS, tried in order before the SMS: each takes the person's
# id and the message and says whether it delivered it. Apps above people register theirs at
# start-up (content: the Telegram bot, for those who connected it), D9's "registers a handler".
CodeRoute = Callable[[int, str], bool]
_ROUTES: list[CodeRoute] = []


def register_code_route(route: CodeRoute) -> None:
    """Offer another way to bring sign-in codes (idempotent)."""
    if route not in _ROUTES:
        _ROUTES.append(route)


def _may_sign_in(person: Person) -> bool:
    if orgaccounts.implied_role(person_id=person.id) is not None:
        return True
    user = User.objects.filter(person_id=person.id, is_active=True).first()
    return user is not None and bool(user.role_names)


def signin_code_send(*, phone: str, ip: str | None) -> str:
    """Send a sign-in code to `phone` if it may sign in; the number in E.164 either way.

    ValidationError for a number that is not an Indian mobile, OtpUnavailable with no SMS
    backend, SigninLimitedError past the limits, SmsFailedError when the provider refused.
    """
    if not sms_enabled():
        raise OtpUnavailable(_("Sign-in by phone is not available: no SMS service is set up."))
    e164 = validation.normalize_phone(phone)
    _code_id, code = accounts_services.phone_code_issue(phone=e164, ip=ip)
    person = selectors.person_by_phone(phone=e164)
    if person is None or not _may_sign_in(person):
        return e164
    text = _("Sampark: your sign-in code is %(code)s. It is valid for 5 minutes. Do not share it.")
    for route in _ROUTES:
        try:
            if route(person.id, text % {"code": code}):
                return e164
        except Exception:  # another way failing must not stop the SMS
            logger.exception("sign-in code route failed; falling back to SMS")
    try:
        get_sms_backend().send(
            to=e164, text=text % {"code": code}, template=OTP_TEMPLATE, variables=[code]
        )
    except ConnectorError as exc:
        logger.warning("sign-in SMS not sent: %s", exc)
        raise SmsFailedError(_("The SMS could not be sent. Try again in a minute.")) from exc
    return e164


def signin_code_verify(*, phone: str, code: str, ip: str | None) -> User | None:
    """The account to sign in when `code` is right for `phone`, made or updated from the
    person's positions; None when the code is wrong or the person may not sign in."""
    try:
        e164 = validation.normalize_phone(phone)
    except ValidationError:
        return None
    if not accounts_services.phone_code_check(phone=e164, code=code, ip=ip):
        return None
    person = selectors.person_by_phone(phone=e164)
    if person is None:
        return None
    with transaction.atomic():
        user = orgaccounts.person_account_sync(person=person)
        if user is None or not user.is_active or not (user.role_names or user.is_superuser):
            return None
        audit.record(
            verb="user.signed_in_by_phone",
            object_type="user",
            object_id=user.pk,
            actor=user,
            unit_path=user.unit.path if user.unit is not None else "",
        )
    return user
