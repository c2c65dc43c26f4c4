from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "sampark.events"
    label = "events"
