from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "sampark.training"
    label = "training"

    def ready(self) -> None:
        # A person's attempts and completions are in their download and go with their erasure.
        from sampark.people import privacy
        from sampark.training import privacy as training_privacy

        privacy.register_exporter("training", training_privacy.export)
        privacy.register_eraser("training", training_privacy.erase)
