"""Webhooks of outside services, mounted at /hooks/ (no login; each checks its signature)."""

from django.urls import path

from sampark.content import webhooks

app_name = "hooks"
urlpatterns = [
    path("sms/receipts/", webhooks.sms_receipts, name="sms_receipts"),
    path("sms/inbound/", webhooks.sms_inbound, name="sms_inbound"),
    path("msg91/<str:token>/reports/", webhooks.msg91_reports, name="msg91_reports"),
]
