from django.urls import path

from sampark.calls import views, views_manage, webhooks

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
        "campaigns/<int:campaign_id>/dialling/",
        views_manage.campaign_dialling,
        name="campaign_dialling",
    ),
    path("campaigns/<int:campaign_id>/console/", views.console, name="console"),
    path("scripts/", views_manage.script_list, name="scripts"),
    path("scripts/new/", views_manage.script_new, name="script_new"),
    path("scripts/<int:script_id>/", views_manage.script_detail, name="script"),
    path("scripts/<int:script_id>/edit/", views_manage.script_edit, name="script_edit"),
    path("contacts/<int:contact_id>/call/", views.call_start, name="call"),
    path("attempts/<int:attempt_id>/draft/", views.draft_save, name="draft"),
    path("attempts/<int:attempt_id>/save/", views.disposition_save, name="save"),
    path("hooks/<str:provider>/<str:token>/", webhooks.status_hook, name="hook"),
]
