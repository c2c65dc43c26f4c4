"""Routes of the booth group registry, mounted at /groups/. A group in the path is always
`booth_group_id` (`group_id` is the listening app's WhatsApp source)."""

from django.urls import path

from sampark.groups import views

app_name = "groups"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("unit/<int:unit_id>/", views.unit, name="unit"),
    path("unit/<int:unit_id>/new/", views.group_new, name="new"),
    path("<int:booth_group_id>/", views.detail, name="detail"),
    path("<int:booth_group_id>/edit/", views.edit, name="edit"),
    path("<int:booth_group_id>/archive/", views.archive, name="archive"),
    path("<int:booth_group_id>/count/", views.count, name="count"),
    path("<int:booth_group_id>/rotate/", views.rotate, name="rotate"),
    path("<int:booth_group_id>/attest/", views.attest, name="attest"),
    path("<int:booth_group_id>/export/", views.export_source, name="export"),
]
