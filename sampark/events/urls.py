from django.urls import path

from sampark.events import public, views, views_gate, views_invite, views_questions

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
    path("<int:event_id>/", views_gate.event_detail, name="event"),
    path("<int:event_id>/no-shows.csv", views_gate.no_shows_csv, name="no_shows"),
    path("<int:event_id>/gates/", views_gate.gate_open, name="gate_open"),
    path("<int:event_id>/invite/", views_invite.event_invite, name="invite"),
    path("<int:event_id>/questions/", views_questions.question_queue, name="questions"),
    path(
        "questions/<int:question_group_id>/",
        views_questions.question_moderate,
        name="question_moderate",
    ),
    path("gates/", views_gate.gate_scope, name="gate_scope"),
    path("gates/sw.js", views_gate.gate_sw, name="gate_sw"),
    path("gates/<int:gate_id>/", views_gate.gate_page, name="gate"),
    path("gates/<int:gate_id>/walkin/", views_gate.gate_walkin, name="gate_walkin"),
    path("e/<slug:slug>/", public.walkin, name="public"),
    path("e/<slug:slug>/confirm/", public.walkin_confirm, name="public_confirm"),
    path("t/<str:token>/", public.public_ticket, name="public_ticket"),
]
