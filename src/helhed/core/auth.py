from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db.models import prefetch_related_objects


class HelhedModelBackend(ModelBackend):
    """Django's password backend, except that demo users cannot log in outside demo mode."""

    def user_can_authenticate(self, user) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id):
        """The logged-in user of a request, with a municipal user's municipalities fetched
        once: the scope (``core.rules.municipality_scope``) and the audit's organisation
        label (``User.organisation_label``) both read them."""
        user = super().get_user(user_id)
        if user is not None and user.is_municipal:
            prefetch_related_objects([user], "municipalities")
        return user
