from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sampark.accounts"
    label = "accounts"

    def ready(self) -> None:
        from sampark.accounts import checks  # noqa: F401  (registers the system checks)
