"""What every page of the app shares."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def no_person(request: HttpRequest) -> HttpResponse:
    """Staff accounts without a volunteer record get a note instead of an empty app."""
    return render(request, "app/pages/no_person.html", status=200)
