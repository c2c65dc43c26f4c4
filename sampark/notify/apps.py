from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "sampark.notify"
    label = "notify"

    def ready(self) -> None:
        # Notification texts copy incident titles and tips, which may name a person.
        from sampark.notify import privacy as notify_privacy
        from sampark.people import privacy

        privacy.register_exporter("notify", notify_privacy.export)
        privacy.register_eraser("notify", notify_privacy.erase)
        # SMS notifications' delivery reports reach content's MSG91 webhook, below notify.
        from sampark.integrations import msg91
        from sampark.notify import delivery

        msg91.register_report_handler("notify", delivery.report_record)
