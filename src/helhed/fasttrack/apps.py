from django.apps import AppConfig


class FasttrackConfig(AppConfig):
    name = "helhed.fasttrack"
    label = "fasttrack"
    verbose_name = "Kvik-linje"
