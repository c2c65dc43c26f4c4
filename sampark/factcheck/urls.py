"""Routes of the fact-check knowledge base, mounted at /factchecks/."""

from django.urls import path

from sampark.factcheck import views

app_name = "factcheck"
urlpatterns = [
    path("", views.search, name="search"),
    path("import/", views.import_page, name="import"),
    path("<int:factcheck_id>/", views.detail, name="detail"),
]
