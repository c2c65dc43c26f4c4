from django.urls import path

from sampark.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.home, name="home"),
]
