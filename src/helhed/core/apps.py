from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "helhed.core"
    label = "core"
    verbose_name = "Kerne: kommuner, brugere, roller og log"

    def ready(self) -> None:
        from helhed.core import (
            checks,  # noqa: F401  (registers the system checks)
            lockout,  # noqa: F401  (logs each lock-out)
            sessions,  # noqa: F401  (starts a session's clocks at log-in)
        )
