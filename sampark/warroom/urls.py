from django.urls import path

from sampark.warroom import views

app_name = "warroom"
urlpatterns = [
    path("", views.board, name="board"),
    path("incidents/", views.incident_list, name="queue"),
    path("incidents/new/", views.incident_new, name="incident_new"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/assign/", views.incident_assign, name="assign"),
    path("incidents/<int:incident_id>/release/", views.incident_release, name="release"),
    path("incidents/<int:incident_id>/triage/", views.incident_triage, name="triage"),
    path("incidents/<int:incident_id>/state/", views.incident_state, name="state"),
    path("incidents/<int:incident_id>/respond/", views.response_new, name="response_new"),
    path("open/alert/<int:alert_id>/", views.open_from_alert, name="open_alert"),
    path("open/narrative/<int:narrative_id>/", views.open_from_narrative, name="open_narrative"),
    path("open/post/<int:post_id>/", views.open_from_post, name="open_post"),
    path("responses/<int:response_id>/", views.response_detail, name="response"),
    path("responses/<int:response_id>/submit/", views.response_submit, name="response_submit"),
    path("responses/<int:response_id>/approve/", views.response_approve, name="response_approve"),
    path("responses/<int:response_id>/reject/", views.response_reject, name="response_reject"),
    path("responses/<int:response_id>/publish/", views.response_publish, name="response_publish"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:template_id>/", views.template_edit, name="template"),
    path("templates/<int:template_id>/delete/", views.template_delete, name="template_delete"),
    path("shifts/", views.shift_list, name="shifts"),
    path("shifts/<int:shift_id>/", views.shift_edit, name="shift"),
    path("shifts/<int:shift_id>/delete/", views.shift_delete, name="shift_delete"),
]
