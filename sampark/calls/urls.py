from django.urls import path

from sampark.calls import views, webhooks

app_name = "calls"
urlpatterns = [
    path("", views.home, name="home"),
    path("board/", views.wallboard, name="board"),
    path("campaigns/<int:campaign_id>/console/", views.console, name="console"),
    path("contacts/<int:contact_id>/call/", views.call_start, name="call"),
    path("attempts/<int:attempt_id>/draft/", views.draft_save, name="draft"),
    path("attempts/<int:attempt_id>/save/", views.disposition_save, name="save"),
    path("hooks/<str:provider>/<str:token>/", webhooks.status_hook, name="hook"),
]
