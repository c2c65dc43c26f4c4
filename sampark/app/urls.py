"""Routes of the volunteer app, mounted at /app/ (the service worker's scope). The paths of
today's kits, booth and settings are those installed apps and SMS links already know."""

from django.urls import path

from sampark.app.views import (
    events,
    groups,
    invite,
    kits,
    me,
    privacy,
    questions,
    rumours,
    shell,
    training,
)

app_name = "app"
urlpatterns = [
    path("", kits.home, name="home"),
    path("kits/<int:delivery_id>/", kits.kit_detail, name="kit"),
    path("kits/<int:delivery_id>/forwarded/", kits.kit_forwarded, name="kit_forwarded"),
    path("kits/<int:delivery_id>/media/<int:media_id>/", kits.kit_media, name="kit_media"),
    path("m/<str:token>/", kits.shared_media, name="shared_media"),
    path("booth/", me.booth, name="booth"),
    path("invite/", invite.invite, name="invite"),
    path("groups/", groups.group_list, name="groups"),
    path("groups/<int:booth_group_id>/count/", groups.group_count, name="group_count"),
    path("groups/<int:booth_group_id>/rotate/", groups.group_rotate, name="group_rotate"),
    path("groups/<int:booth_group_id>/attest/", groups.group_attest, name="group_attest"),
    path("rumours/", rumours.rumour_list, name="rumours"),
    path("rumours/new/", rumours.rumour_new, name="rumour_new"),
    path("rumours/<int:post_id>/", rumours.rumour_detail, name="rumour"),
    path("events/", events.event_list, name="events"),
    path("events/<int:event_id>/register/", events.event_register, name="event_register"),
    path("events/<int:event_id>/cancel/", events.event_cancel, name="event_cancel"),
    path("events/<int:event_id>/ticket/", events.event_ticket, name="event_ticket"),
    path("events/<int:event_id>/ticket.pdf", events.event_ticket_pdf, name="event_ticket_pdf"),
    path("training/", training.training_list, name="training"),
    path("training/<int:module_id>/", training.training_module, name="training_module"),
    path("training/<int:module_id>/quiz/", training.training_quiz, name="training_quiz"),
    path(
        "training/<int:module_id>/certificate.pdf",
        training.training_certificate,
        name="training_certificate",
    ),
    path("events/<int:event_id>/questions/", questions.question_list, name="event_questions"),
    path("events/<int:event_id>/questions/ask/", questions.question_ask, name="question_ask"),
    path("questions/<int:question_group_id>/vote/", questions.question_vote, name="question_vote"),
    path("settings/", me.app_settings, name="settings"),
    path("my-data/", privacy.my_data, name="my_data"),
    path("push/subscribe/", me.push_subscribe, name="push_subscribe"),
    path("offline/", shell.offline, name="offline"),
    path("manifest.webmanifest", shell.manifest, name="manifest"),
    path("sw.js", shell.service_worker, name="sw"),
]
