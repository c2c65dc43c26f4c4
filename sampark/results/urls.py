from django.urls import path

from sampark.results import views

app_name = "results"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("units/<int:unit_id>/map.geojson", views.unit_map, name="unit_map"),
    path("units/<int:unit_id>/export/", views.export, name="export"),
]
