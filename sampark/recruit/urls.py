from django.urls import path

from sampark.recruit import views

app_name = "recruit"
urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.drive, name="drive"),
    path("units/<int:unit_id>/poster.pdf", views.poster_pdf, name="poster"),
    path("units/<int:unit_id>/target/", views.target_set, name="target"),
]
