from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class HelhedModelBackend(ModelBackend):
    """Django's password backend, except that demo users cannot log in outside demo mode."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)

