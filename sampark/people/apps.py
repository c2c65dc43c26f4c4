from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "sampark.people"
    label = "people"

    def ready(self) -> None:
        from sampark.people import tasks  # noqa: F401  (registers task handlers)
