from django.urls import path

from sampark.events import public, views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("seasons/new/", views.season_new, name="season_new"),
    path("seasons/<int:season_id>/", views.season_detail, name="season"),
    path("seasons/<int:season_id>/units/<int:unit_id>/", views.season_unit, name="season_unit"),
    path(
        "seasons/<int:season_id>/units/<int:unit_id>/target/",
        views.target_adjust,
        name="target_adjust",
    ),
    path("e/<slug:slug>/", public.walkin, name="public"),
    path("e/<slug:slug>/confirm/", public.walkin_confirm, name="public_confirm"),
    path("t/<str:token>/", public.public_ticket, name="public_ticket"),
]
