from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "sampark.events"
    label = "events"

    def ready(self) -> None:
        # A person's registrations are in their download and go with their erasure.
        from sampark.events import privacy as events_privacy
        from sampark.people import privacy

        privacy.register_exporter("events", events_privacy.export)
        privacy.register_eraser("events", events_privacy.erase)

        # Workers ask the experts from the Telegram bot too: "/question <text>".
        from sampark.events import questions
        from sampark.integrations import telegram

        telegram.register_command("question", questions.telegram_question)
