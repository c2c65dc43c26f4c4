from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "sampark.analytics"
    label = "analytics"
