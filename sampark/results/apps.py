from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "sampark.results"
    label = "results"
