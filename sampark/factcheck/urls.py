from django.urls import path  # noqa: F401

app_name = "factcheck"
urlpatterns: list[object] = []
