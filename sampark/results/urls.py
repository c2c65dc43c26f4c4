from django.urls import path

from sampark.results import views

app_name = "results"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.unit, name="unit"),
    path("units/<int:unit_id>/map.geojson", views.unit_map, name="unit_map"),
    path("units/<int:unit_id>/trends/", views.unit_trends, name="unit_trends"),
    path("units/<int:unit_id>/series.json", views.unit_series, name="unit_series"),
    path("units/<int:unit_id>/export/", views.export, name="export"),
    path("units/<int:unit_id>/export/queue/", views.export_queue, name="export_queue"),
    path("exports/<str:token>/", views.export_job, name="export_job"),
    path("exports/<str:token>/file/", views.export_file, name="export_file"),
    path("brief/", views.brief_list, name="brief_list"),
    path("brief/subscribe/", views.brief_subscribe, name="brief_subscribe"),
    path("brief/now/", views.brief_now, name="brief_now"),
    path("brief/<str:day>/", views.brief_day, name="brief_day"),
    path("brief/<str:day>/pdf/", views.brief_pdf, name="brief_pdf"),
]
