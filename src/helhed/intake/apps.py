from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "helhed.intake"
    label = "intake"
    verbose_name = "Ansøgninger"
