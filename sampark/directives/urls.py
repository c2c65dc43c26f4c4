from django.urls import path

from sampark.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.placeholder, name="list"),
]
