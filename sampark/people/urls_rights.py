"""The public privacy pages, mounted at /privacy/ (no sign-in needed)."""

from django.urls import path

from sampark.people import views_rights

app_name = "rights"
urlpatterns = [
    path("", views_rights.privacy_page, name="privacy"),
    path("my-data/", views_rights.my_data, name="my_data"),
    path("my-data/download.<str:fmt>", views_rights.my_data_download, name="download"),
    path("my-data/correct/", views_rights.my_data_correct, name="correct"),
    path("my-data/withdraw/", views_rights.my_data_withdraw, name="withdraw"),
    path("my-data/erase/", views_rights.my_data_erase, name="erase"),
    path("my-data/end/", views_rights.my_data_end, name="end"),
]
