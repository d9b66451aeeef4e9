"""System checks: helhed refuses to run with demo users outside demo mode, and ``check --deploy``
says how people log in (OpenID Connect, with local passwords for a break-glass administrator)."""

from django.conf import settings
from django.core.checks import Error, Info, Tags, Warning, register
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


@register(Tags.security, deploy=True)
def check_login_providers(app_configs, **kwargs):
    """How people log in outside demo mode (helhed.core.oidc, helhed.core.auth): citizens with
    MitID, staff through their organisation's provider, local passwords only for a superuser."""
    if settings.DEMO_MODE:
        return []
    notes = []
    if not settings.HELHED_OIDC_STAFF["issuer"]:
        notes.append(Warning(
            "Staff log in with local passwords: no organisation provider is configured.",
            hint="Set HELHED_OIDC_STAFF_ISSUER, _CLIENT_ID and _CLIENT_SECRET; local passwords then "
            "stay for a break-glass administrator (a superuser) only.",
            id="helhed.W002",
        ))
    else:
        notes.append(Info(
            "Local passwords open helhed only for a superuser (break-glass administrator); everyone "
            "else logs in through the organisation's provider.",
            hint="Keep the break-glass administrator's password sealed, and review its use.",
            id="helhed.I003",
        ))
    if not settings.HELHED_OIDC_CITIZEN["issuer"]:
        notes.append(Warning(
            "Citizens cannot log in: MitID through NemLog-in is not configured.",
            hint="Set HELHED_OIDC_CITIZEN_ISSUER, _CLIENT_ID and _CLIENT_SECRET.",
            id="helhed.W004",
        ))
    return notes
