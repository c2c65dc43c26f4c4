"""The audit log page (issue #12): who did what, where and when, within the reader's area.

For the roles granted `view_audit` (the state head, district in-charges; superusers): their own
subtree only, filtered by user, action (a verb or its prefix, `phones` for every read of full
phone numbers), unit and dates, 50 rows a page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from sampark.accounts import selectors
from sampark.accounts.enums import AUDIT_PAGES
from sampark.accounts.permissions import has_area
from sampark.core.http import request_user
from sampark.geo.models import Unit

PER_PAGE = 50


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=gettext_lazy("User"), required=False, max_length=150)
    action = forms.CharField(label=gettext_lazy("Action"), required=False, max_length=64)
    unit = forms.CharField(
        label=gettext_lazy("Unit"),
        required=False,
        max_length=255,
        help_text=gettext_lazy("A path such as UP/D47/AC173"),
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False)
    until = forms.DateField(label=gettext_lazy("To"), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = units

    def clean_unit(self) -> Unit | None:
        path = self.cleaned_data["unit"].strip().strip("/")
        if not path:
            return None
        unit = self.units.filter(path=path).first()
        if unit is None:
            raise forms.ValidationError(_("No unit with this path in your area."))
        return unit  # type: ignore[no-any-return]


def _start_of(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not (has_area(user) and user.can_any(AUDIT_PAGES)):
        raise PermissionDenied(_("Your role may not do this."))
    form = AuditFilterForm(request.GET or None, units=selectors.visible_units(user=user))
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        until = data["until"]
        filters = {
            "actor": data["user"].strip(),
            "verb": data["action"].strip(),
            "unit": data["unit"],
            "since": _start_of(data["since"]),
            # "To" includes that whole day.
            "until": _start_of(until + dt.timedelta(days=1)) if until else None,
        }
    events = selectors.audit_events(user=user, **filters)
    if form.errors:
        events = events.none()  # a unit outside the area shows nothing, not everything
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"form": form, "page": page})
