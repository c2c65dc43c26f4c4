from django.urls import path

from sampark.people import views

app_name = "imports"
urlpatterns = [
    path("", views.placeholder, name="upload"),
]
