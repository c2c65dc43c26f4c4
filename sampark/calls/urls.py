from django.urls import path

from sampark.calls import views, views_floor, views_helpline, views_manage, webhooks

app_name = "calls"
urlpatterns = [
    path("", views.home, name="home"),
    path("board/", views.wallboard, name="board"),
    path("campaigns/new/", views_manage.campaign_new, name="campaign_new"),
    path("campaigns/preview/", views_manage.campaign_preview, name="campaign_preview"),
    path("campaigns/<int:campaign_id>/", views_manage.campaign_detail, name="campaign"),
    path(
        "campaigns/<int:campaign_id>/status/", views_manage.campaign_status, name="campaign_status"
    ),
    path(
        "campaigns/<int:campaign_id>/refresh/",
        views_manage.campaign_refresh,
        name="campaign_refresh",
    ),
    path(
        "campaigns/<int:campaign_id>/dialling/",
        views_manage.campaign_dialling,
        name="campaign_dialling",
    ),
    path("campaigns/<int:campaign_id>/console/", views.console, name="console"),
    path("scripts/", views_manage.script_list, name="scripts"),
    path("scripts/new/", views_manage.script_new, name="script_new"),
    path("scripts/step/", views_manage.script_step, name="script_step"),
    path("scripts/step/remove/", views_manage.script_step_remove, name="script_step_remove"),
    path("scripts/<int:script_id>/", views_manage.script_detail, name="script"),
    path("scripts/<int:script_id>/edit/", views_manage.script_edit, name="script_edit"),
    path("contacts/<int:contact_id>/call/", views.call_start, name="call"),
    path("attempts/<int:attempt_id>/draft/", views.draft_save, name="draft"),
    path("attempts/<int:attempt_id>/save/", views.disposition_save, name="save"),
    path("hooks/<str:provider>/<str:token>/", webhooks.status_hook, name="hook"),
    # The helpline (inbound queue), listening in, and Exotel's Passthru hooks.
    path("helpline/", views_helpline.helpline, name="helpline"),
    path("helpline/available/", views_helpline.helpline_available, name="helpline_available"),
    path("helpline/<int:inbound_id>/save/", views_helpline.helpline_save, name="helpline_save"),
    path(
        "helpline/exotel/<str:token>/dial/",
        views_helpline.exotel_dial_whom,
        name="helpline_exotel_dial",
    ),
    path(
        "helpline/exotel/<str:token>/<str:stage>/",
        views_helpline.exotel_passthru,
        name="helpline_exotel",
    ),
    path("attempts/<int:attempt_id>/listen/", views_helpline.listen_start, name="listen"),
    # Shifts and seats.
    path("floor/", views_floor.floor, name="floor"),
    path("floor/sites/", views_floor.site_create, name="site_create"),
    path("floor/sites/<int:site_id>/shifts/", views_floor.shift_create, name="shift_create"),
    path("floor/shifts/<int:call_shift_id>/roster/", views_floor.roster_add, name="roster_add"),
    path("attendance/", views_floor.attendance, name="attendance"),
    path("attendance/mark/", views_floor.attendance_mark, name="attendance_mark"),
]
