from django.urls import path

from sampark.people import views, views_rights

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/otp/", views.otp_send, name="otp_send"),
    path("<int:person_id>/otp/confirm/", views.otp_confirm, name="otp_confirm"),
    path("<int:person_id>/phone-fix/", views.phone_fix, name="phone_fix"),
    path("<int:person_id>/consents/", views.consent_record, name="consent"),
    path("assignments/<int:assignment_id>/verify/", views.assignment_verify, name="verify"),
    path("assignments/<int:assignment_id>/end/", views.assignment_end, name="end"),
    path("requests/", views_rights.request_list, name="requests"),
    path("requests/<int:request_id>/", views_rights.request_detail, name="request"),
]
