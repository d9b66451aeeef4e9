from django.conf import settings
from django.contrib.auth.backends import ModelBackend


def staff_provider_configured() -> bool:
    return bool(settings.HELHED_OIDC_STAFF["issuer"])


def passwords_for_break_glass_only() -> bool:
    """Outside demo mode, once staff log in through their organisation's provider, a local
    password opens helhed only for a superuser: the break-glass administrator for when the
    provider is down (``check --deploy`` says so, helhed.core.checks)."""
    return staff_provider_configured() and not settings.DEMO_MODE


def _demo_refused(user) -> bool:
    return getattr(user, "is_demo", False) and not settings.DEMO_MODE


class HelhedModelBackend(ModelBackend):
    """Django's password backend, except that demo users cannot log in outside demo mode, and
    only the break-glass administrator can when staff have their organisation's provider."""

    def user_can_authenticate(self, user) -> bool:
        if _demo_refused(user):
            return False
        if passwords_for_break_glass_only() and not user.is_superuser:
            return False
        return super().user_can_authenticate(user)


class OpenIDConnectBackend(ModelBackend):
    """The backend a session started through OpenID Connect (helhed.core.oidc) is kept by.
    It checks no credentials itself (the provider did, and the ID token proves it); it only
    reloads the session's user, refusing inactive users and demo users outside demo mode."""

    def authenticate(self, request, **credentials):
        return None

    def user_can_authenticate(self, user) -> bool:
        return not _demo_refused(user) and super().user_can_authenticate(user)
