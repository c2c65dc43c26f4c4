"""Routes of the volunteer web app, mounted at /app/ (the service worker's scope)."""

from django.urls import path

from sampark.content import views_app

app_name = "app"
urlpatterns = [
    path("", views_app.home, name="home"),
    path("kits/<int:delivery_id>/", views_app.kit_detail, name="kit"),
    path("kits/<int:delivery_id>/forwarded/", views_app.kit_forwarded, name="kit_forwarded"),
    path("kits/<int:delivery_id>/media/<int:media_id>/", views_app.kit_media, name="kit_media"),
    path("m/<str:token>/", views_app.shared_media, name="shared_media"),
    path("booth/", views_app.booth, name="booth"),
    path("settings/", views_app.app_settings, name="settings"),
    path("push/subscribe/", views_app.push_subscribe, name="push_subscribe"),
    path("offline/", views_app.offline, name="offline"),
    path("manifest.webmanifest", views_app.manifest, name="manifest"),
    path("sw.js", views_app.service_worker, name="sw"),
]
