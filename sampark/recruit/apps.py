from django.apps import AppConfig


class RecruitConfig(AppConfig):
    name = "sampark.recruit"
    label = "recruit"
    verbose_name = "Recruitment drives"
