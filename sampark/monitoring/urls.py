"""Routes of the listening app, mounted at /listening/ (the Telegram webhook included)."""

from django.urls import path

from sampark.monitoring import views, webhooks

app_name = "monitoring"
urlpatterns = [
    path("", views.feed, name="feed"),
    path("side/", views.feed_side, name="feed_side"),
    path("narratives/", views.narrative_list, name="narratives"),
    path("narratives/<int:narrative_id>/", views.narrative_detail, name="narrative"),
    path("narratives/<int:narrative_id>/status/", views.narrative_status, name="narrative_status"),
    path("posts/<int:post_id>/media/", views.post_media, name="post_media"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/ack/", views.alert_ack, name="alert_ack"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_new, name="source_new"),
    path("sources/<int:source_id>/toggle/", views.source_toggle, name="source_toggle"),
    path("sources/<int:source_id>/rules/", views.source_rules, name="source_rules"),
    path("groups/", views.group_list, name="groups"),
    path("groups/<int:group_id>/upload/", views.group_upload, name="group_upload"),
    path("tips/new/", views.tip_new, name="tip_new"),
    path("tips/done/", views.tip_done, name="tip_done"),
    path("watchlists/", views.watchlist_list, name="watchlists"),
    path("watchlists/new/", views.watchlist_edit, name="watchlist_new"),
    path("watchlists/<int:watchlist_id>/", views.watchlist_edit, name="watchlist"),
    path("hooks/telegram/", webhooks.telegram_webhook, name="telegram_webhook"),
]
