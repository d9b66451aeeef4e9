from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "helhed.core"
    label = "core"
    verbose_name = "Kerne: kommuner, brugere, roller og log"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from helhed.core import (
            access,  # noqa: F401  (keeps the access facts in the session at log-in)
            checks,  # noqa: F401  (registers the system checks)
            lockout,  # noqa: F401  (logs each lock-out)
            sessions,  # noqa: F401  (starts a session's clocks at log-in)
        )
        from helhed.core.access import on_m2m_change
        from helhed.core.models import User

        m2m_changed.connect(on_m2m_change, sender=User.municipalities.through, dispatch_uid="access-municipalities")
