"""The phone sign-in page (issue #13): number, then the 6-digit code; served at /login/phone/."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from sampark.accounts import selectors as accounts_selectors
from sampark.accounts.signin import SESSION_HAS_DEVICE, client_ip
from sampark.people import signin
from sampark.people.services import OtpUnavailable
from sampark.people.validation import mask_phone

SESSION_PHONE = "sampark_signin_phone"


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("Mobile number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "autofocus": True}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target else ""


@sensitive_post_parameters("code")
def phone_login(request: HttpRequest) -> HttpResponse:
    """Step 1 asks the number and sends the code; step 2 takes the code and signs in."""
    ip = client_ip(request)
    context: dict[str, object] = {"next": _next(request)}
    status = 200
    phone = str(request.session.get(SESSION_PHONE) or "")
    step = request.POST.get("step", "")
    if request.method == "POST" and step == "code" and phone:
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            try:
                user = signin.signin_code_verify(
                    phone=phone, code=code_form.cleaned_data["code"], ip=ip
                )
            except signin.SigninLimitedError as exc:
                code_form.add_error(None, str(exc))
                status = 429
            else:
                if user is not None:
                    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                    request.session.pop(SESSION_PHONE, None)
                    if accounts_selectors.has_device(user=user):
                        request.session[SESSION_HAS_DEVICE] = True
                    home = reverse("app:home") if user.is_volunteer_only else "/"
                    return HttpResponseRedirect(_next(request) or home)
                code_form.add_error(
                    "code", _("That code is not right or has expired. Ask for a new one.")
                )
                status = 400
        context.update(code_form=code_form, masked=mask_phone(phone))
        return render(request, "registration/phone_login.html", context, status=status)
    phone_form = PhoneForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and phone_form.is_valid():
        try:
            e164 = signin.signin_code_send(phone=phone_form.cleaned_data["phone"], ip=ip)
        except ValidationError as exc:
            phone_form.add_error("phone", exc)
            status = 400
        except OtpUnavailable as exc:
            phone_form.add_error(None, str(exc))
            status = 503
        except signin.SigninLimitedError as exc:
            phone_form.add_error(None, str(exc))
            status = 429
        except signin.SmsFailedError as exc:
            phone_form.add_error(None, str(exc))
            status = 502
        else:
            request.session[SESSION_PHONE] = e164
            context.update(code_form=CodeForm(), masked=mask_phone(e164))
            return render(request, "registration/phone_login.html", context)
    elif request.method == "POST":
        status = 400
    context["phone_form"] = phone_form
    return render(request, "registration/phone_login.html", context, status=status)
