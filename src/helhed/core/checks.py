"""System checks: helhed refuses to run with demo users outside demo mode."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError


def demo_users_outside_demo_mode() -> int:
    """How many demo users exist while the system is not in demo mode (0 when all is well)."""
    if settings.DEMO_MODE:
        return 0
    from helhed.core.models import User

    try:
        return User.objects.filter(is_demo=True).count()
    except DatabaseError:  # not migrated yet: there are no users at all
        return 0


@register(Tags.security, deploy=True)
def check_no_demo_users(app_configs, **kwargs):
    count = demo_users_outside_demo_mode()
    if not count:
        return []
    return [
        Error(
            f"The database holds {count} demo users, but HELHED_MODE is not 'demo'.",
            hint="Demo users must never exist in a real installation: use a fresh database, "
            "or run with HELHED_MODE=demo.",
            id="helhed.E001",
        )
    ]


def refuse_demo_users_outside_demo_mode() -> None:
    """Called when a server starts: stop rather than serve a database with demo logins."""
    count = demo_users_outside_demo_mode()
    if count:
        raise SystemExit(
            f"helhed will not start: the database holds {count} demo users but HELHED_MODE is "
            "not 'demo'. Use a fresh database, or run the demo with 'helhed demo'."
        )
