"""A urlconf with deliberately unscoped endpoints, so the probe can show it catches them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from sampark.geo.models import Unit
from sampark.people.models import Person
from sampark.urls import urlpatterns as real_urlpatterns

leaky_api = NinjaAPI(title="leaky", urls_namespace="leaky_api", auth=django_auth, docs_url=None)


@leaky_api.get("/persons/{person_id}")
def leaky_person(request: HttpRequest, person_id: int) -> dict[str, str]:
    person = get_object_or_404(Person, id=person_id)  # no scope: the leak under test
    return {"name": person.name}


@leaky_api.get("/coverage/{unit_id}")
def leaky_coverage(request: HttpRequest, unit_id: int) -> dict[str, int]:
    # Counts the whole table, not the unit's subtree: the aggregate leak under test.
    get_object_or_404(Unit, id=unit_id)
    return {"booths_total": Unit.objects.filter(level="booth").count()}


def leaky_unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    return HttpResponse(get_object_or_404(Unit, id=unit_id).name)


def widget(request: HttpRequest, widget_id: int) -> HttpResponse:
    return HttpResponse(status=404)


urlpatterns = [
    path("leaky/units/<int:unit_id>/", leaky_unit),
    path("leaky/widgets/<int:widget_id>/", widget),
    path("leaky-api/", leaky_api.urls),
    *real_urlpatterns,
]
