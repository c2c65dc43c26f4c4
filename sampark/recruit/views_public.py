"""The public join page of a recruitment drive (no login), mounted at /volunteer/: a signed
link names the unit and, for a personal link, the volunteer who shared it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sampark.accounts.signin import client_ip
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors
from sampark.people import services as people_services
from sampark.recruit import selectors, services
from sampark.recruit.enums import JoinVia
from sampark.recruit.forms import JoinForm, OtpForm
from sampark.recruit.links import JoinTarget

_STEP_SALT = "sampark.recruit.otp-step"
STEP_MAX_AGE = 30 * 60  # seconds to type the OTP in


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _context(unit: Unit, **extra: Any) -> dict[str, Any]:
    return {"unit": unit, **extra}


def _take(
    request: HttpRequest,
    *,
    unit: Unit,
    person_id: int,
    booth_id: int,
    target: JoinTarget,
    via: str,
) -> HttpResponse:
    booth = selectors.booth_in(unit=unit, booth_id=booth_id)
    if booth is None:
        return render(request, "recruit/pages/join_done.html", _context(unit, booth=None))
    try:
        services.volunteer_position_take(
            person_id=person_id, booth=booth, referrer_id=target.referrer_id, via=via
        )
    except ValidationError as exc:
        return render(
            request,
            "recruit/pages/join_done.html",
            _context(unit, booth=booth, problem=_error_text(exc)),
            status=409,
        )
    return render(request, "recruit/pages/join_done.html", _context(unit, booth=booth))


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Sign up as a booth volunteer: the person and consents now; the position after the OTP
    when SMS is configured, at once otherwise; the in-charge verifies it either way."""
    target, unit = selectors.join_target(token=token)
    via = JoinVia.QR if request.GET.get("via") == JoinVia.QR else JoinVia.LINK
    # No box is ticked in advance: consent is what the person ticks themselves.
    initial = {"via": via}
    form = JoinForm(request.POST or None, unit=unit, initial=initial)
    context = _context(unit, form=form, token=token, notice_version=_notice_version())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        booth = form.chosen_booth
        assert booth is not None
        via = data.get("via") or JoinVia.LINK
        try:
            signup = services.volunteer_signup(
                name=data["name"],
                phone=data["phone"],
                date_of_birth=data["date_of_birth"],
                consents=data["consents"],
                address=client_ip(request) or "",
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
            return render(request, "recruit/pages/join.html", context, status=422)
        if not people_services.otp_available():
            return _take(
                request,
                unit=unit,
                person_id=signup.person_id,
                booth_id=booth.id,
                target=target,
                via=via,
            )
        person = people_selectors.person_by_id(person_id=signup.person_id)
        assert person is not None
        try:
            people_services.otp_send(person=person, actor=None)
        except (ValidationError, people_services.OtpUnavailable):
            # The phone cannot get a code now: the in-charge checks it when verifying.
            return _take(
                request,
                unit=unit,
                person_id=signup.person_id,
                booth_id=booth.id,
                target=target,
                via=via,
            )
        step = signing.dumps({"p": signup.person_id, "b": booth.id, "v": via}, salt=_STEP_SALT)
        otp = OtpForm(initial={"step": step})
        return render(request, "recruit/pages/join_otp.html", _context(unit, form=otp, token=token))
    status = 422 if request.method == "POST" else 200
    return render(request, "recruit/pages/join.html", context, status=status)


@never_cache
@require_POST
def join_otp(request: HttpRequest, token: str) -> HttpResponse:
    """The code from the SMS: the phone is confirmed, then the booth position is asked for."""
    target, unit = selectors.join_target(token=token)
    form = OtpForm(request.POST)
    context = _context(unit, form=form, token=token)
    if not form.is_valid():
        return render(request, "recruit/pages/join_otp.html", context, status=422)
    try:
        step = signing.loads(form.cleaned_data["step"], salt=_STEP_SALT, max_age=STEP_MAX_AGE)
        person_id, booth_id, via = int(step["p"]), int(step["b"]), str(step["v"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        form.add_error(None, _("This sign-up has expired. Please fill in the form again."))
        return render(request, "recruit/pages/join_otp.html", context, status=422)
    person = people_selectors.person_by_id(person_id=person_id)
    if person is None or not people_services.otp_confirm(
        person=person, code=form.cleaned_data["code"]
    ):
        form.add_error("code", _("This code is wrong or has expired."))
        return render(request, "recruit/pages/join_otp.html", context, status=422)
    return _take(request, unit=unit, person_id=person_id, booth_id=booth_id, target=target, via=via)


def _notice_version() -> str:
    return str(settings.SAMPARK_NOTICE_VERSION)
