from django.urls import path

from sampark.geo import views

app_name = "geo"
urlpatterns = [
    path("names/", views.names, name="names"),
    path("names/<int:unit_id>/", views.name_correct, name="name_correct"),
]
