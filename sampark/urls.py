from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sampark.accounts import views as accounts_views
from sampark.api import api
from sampark.app.views import kits as app_kits
from sampark.people import views_signin as people_signin

urlpatterns = [
    path("login/", accounts_views.SignIn.as_view(), name="login"),
    path("login/phone/", people_signin.phone_login, name="phone_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("sampark.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("people/", include("sampark.people.urls")),
    path("imports/", include("sampark.people.urls_io")),
    path("directives/", include("sampark.directives.urls")),
    path("notify/", include("sampark.notify.urls")),
    path("calls/", include("sampark.calls.urls")),
    path("results/", include("sampark.results.urls")),
    path("events/", include("sampark.events.urls")),
    path("training/", include("sampark.training.urls")),
    path("listening/", include("sampark.monitoring.urls")),
    path("app/", include("sampark.app.urls")),
    path("groups/", include("sampark.groups.urls")),
    path("join/", include("sampark.groups.urls_public")),
    path("privacy/", include("sampark.people.urls_rights")),
    path("content/", include("sampark.content.urls")),
    path("hooks/", include("sampark.content.urls_hooks")),
    path("factchecks/", include("sampark.factcheck.urls")),
    path("warroom/", include("sampark.warroom.urls")),
    path("geo/", include("sampark.geo.urls")),
    path("recruit/", include("sampark.recruit.urls")),
    path("volunteer/", include("sampark.recruit.urls_public")),
    path("k/<int:delivery_id>", app_kits.short_link, name="short_link"),
    path("", include("sampark.analytics.urls")),
]
