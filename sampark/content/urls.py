from django.urls import path

from sampark.content import views, views_invite

app_name = "content"
urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.item_new, name="new"),
    path("units/search/", views.unit_search, name="unit_search"),
    path("distributions/", views.distribution_list, name="distributions"),
    path(
        "distributions/<int:distribution_id>/",
        views.distribution_report,
        name="distribution",
    ),
    path(
        "distributions/<int:distribution_id>/unit/<int:unit_id>/",
        views.distribution_unit,
        name="distribution_unit",
    ),
    path(
        "distributions/<int:distribution_id>/cancel/",
        views.distribution_cancel,
        name="distribution_cancel",
    ),
    path("invitations/", views_invite.invitation_list, name="invitations"),
    path(
        "invitations/<int:distribution_id>/",
        views_invite.invitation_progress,
        name="invitation",
    ),
    path("dead-letters/", views.dead_letters, name="dead_letters"),
    path("dead-letters/<int:dead_letter_id>/retry/", views.delivery_retry, name="retry"),
    path("reports/", views.unit_reports, name="reports"),
    path("<int:item_id>/", views.item_detail, name="detail"),
    path("<int:item_id>/edit/", views.item_edit, name="edit"),
    path("<int:item_id>/media/", views.media_add, name="media_add"),
    path("<int:item_id>/media/remove/", views.media_remove, name="media_remove"),
    path("<int:item_id>/media/file/", views.media_file, name="media_file"),
    path("<int:item_id>/submit/", views.item_submit, name="submit"),
    path("<int:item_id>/review/", views.item_review, name="review"),
    path("<int:item_id>/recall/", views.item_recall, name="recall"),
    path("<int:item_id>/certificate/", views.certificate_attach, name="certificate_attach"),
    path("<int:item_id>/certificate/new/", views.certificate_new, name="certificate_new"),
    path("<int:item_id>/send/", views.item_send, name="send"),
]
