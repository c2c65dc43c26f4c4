# Placeholder until the listening pages land (the feed and tip routes the nav links to).
from django.http import HttpRequest, HttpResponse
from django.urls import path

app_name = "monitoring"


def _todo(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=404)


urlpatterns = [
    path("", _todo, name="feed"),
    path("tips/new/", _todo, name="tip_new"),
]
