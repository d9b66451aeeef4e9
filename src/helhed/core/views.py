from functools import wraps

import rules
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from helhed.core.forms import LoginForm
from helhed.core.roles import Role


def permission_required(perm: str):
    """Log in, then require a permission from the ``rules`` rule set. Unlike Django's own
    decorator this does not let superusers past: administrators do not read citizen data."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not rules.has_perm(perm, request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@login_required
def home(request):
    """Send each role to where its work starts."""
    user = request.user
    if user.role == Role.CITIZEN:
        return redirect("registry:my_data")
    if rules.has_perm("registry.search_citizens", user):
        return redirect("registry:search")
    return render(request, "core/home.html")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@require_GET
@never_cache
def healthz(request):
    """Liveness and readiness: answers 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # noqa: BLE001  (any database failure means not ready)
        database = "fejl"
    status = 200 if database == "ok" else 503
    return JsonResponse({"status": "ok" if status == 200 else "fejl", "database": database}, status=status)


def error_403(request, exception=None):
    return render(request, "core/error.html", {"title": "Adgang nægtet",
        "message": "Du har ikke adgang til denne side med din rolle."}, status=403)


def error_404(request, exception=None):
    return render(request, "core/error.html", {"title": "Siden findes ikke",
        "message": "Siden findes ikke, eller du har ikke adgang til den."}, status=404)


def error_500(request):
    return render(request, "core/error.html", {"title": "Der skete en fejl",
        "message": "Der skete en fejl hos os. Prøv igen om lidt. Oplys fejlnummeret, hvis du kontakter support."},
        status=500)
