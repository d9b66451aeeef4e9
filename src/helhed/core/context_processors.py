import rules
from django.conf import settings


def helhed(request):
    user = getattr(request, "user", None)
    return {
        "demo_mode": settings.DEMO_MODE,
        "can_search_citizens": bool(user) and rules.has_perm("registry.search_citizens", user),
    }
