from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "helhed.registry"
    label = "registry"
    verbose_name = "Borgerregister"
