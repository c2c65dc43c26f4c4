from django.urls import path

from sampark.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("units/<int:unit_id>/acs.geojson", views.unit_map, name="unit_map"),
    path("units/<int:unit_id>/lacking/", views.unit_lacking, name="unit_lacking"),
    path("units/<int:unit_id>/vacancies/", views.unit_vacancies, name="unit_vacancies"),
]
