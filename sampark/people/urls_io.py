from django.urls import path

from sampark.people import views_io

app_name = "imports"
urlpatterns = [
    path("", views_io.upload, name="upload"),
    path("export/", views_io.export, name="export"),
    path("<int:job_id>/", views_io.detail, name="detail"),
    path("<int:job_id>/mapping/", views_io.mapping, name="mapping"),
    path("<int:job_id>/errors.csv", views_io.errors_csv, name="errors_csv"),
]
