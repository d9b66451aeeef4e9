from django.apps import AppConfig


class PoolsConfig(AppConfig):
    name = "helhed.pools"
    label = "pools"
    verbose_name = "Puljer"

    def ready(self):
        from helhed.pools import rules  # noqa: F401  (registers the permissions)
