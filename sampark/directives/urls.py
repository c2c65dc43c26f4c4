from django.urls import path

from sampark.directives import views

app_name = "directives"
urlpatterns = [
    path("", views.directive_list, name="list"),
    path("new/", views.directive_new, name="new"),
    path("<int:directive_id>/", views.directive_detail, name="detail"),
    path("recipients/<int:recipient_id>/ack/", views.recipient_ack, name="ack"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
]
