from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "helhed.casework"
    label = "casework"
    verbose_name = "Sagsbehandling"
