"""The public invite pages (no login), mounted at /join/. The token is a random string, not
an id: rotating a group's invite link changes it."""

from django.urls import path

from sampark.groups import views

app_name = "join"
urlpatterns = [
    path("<slug:token>/", views.join, name="page"),
    path("<slug:token>/leave/", views.join_leave, name="leave"),
]
