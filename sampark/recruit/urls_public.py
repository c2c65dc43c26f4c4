"""The public join pages of recruitment drives (no login), mounted at /volunteer/."""

from django.urls import path

from sampark.recruit import views_public

app_name = "volunteer"
urlpatterns = [
    path("<str:token>/", views_public.join, name="join"),
    path("<str:token>/otp/", views_public.join_otp, name="join_otp"),
]
