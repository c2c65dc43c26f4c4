from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "sampark.notify"
    label = "notify"
