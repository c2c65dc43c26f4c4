"""My data (मेरा डेटा): the volunteer's download, correction, consent withdrawal and erasure
request; the actions are the public privacy page's (people.views_rights), as this person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sampark.app.views.common import no_person
from sampark.core.http import request_user as _user
from sampark.people import rights, selectors
from sampark.people.forms_rights import CorrectionForm


@never_cache
@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    person = _user(request).person
    if person is None:
        return no_person(request)
    return render(
        request,
        "app/pages/my_data.html",
        {
            "person": person,
            "correction": CorrectionForm(initial={"name": person.name, "email": person.email}),
            "consents": selectors.consent_current(person=person).values(),
            "requests": rights.person_requests(person=person),
        },
    )
