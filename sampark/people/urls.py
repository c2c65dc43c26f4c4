from django.urls import path

from sampark.people import views

app_name = "people"
urlpatterns = [
    path("", views.placeholder, name="list"),
]
