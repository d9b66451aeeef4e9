from django.apps import AppConfig


class PoolsConfig(AppConfig):
    name = "helhed.pools"
    label = "pools"
    verbose_name = "Puljer"
