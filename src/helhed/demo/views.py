"""The demo's persona picker: log in as one of the fictional citizens without a password.
Exists only in demo mode; everywhere else these pages answer 404."""

from django.conf import settings
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from helhed.core.models import User
from helhed.core.roles import Role
from helhed.demo.personas import DEMO_PASSWORD, PERSONAS, STAFF


def _require_demo_mode():
    if not settings.DEMO_MODE:
        raise Http404("Demo-universet er ikke slået til.")


def personas(request):
    _require_demo_mode()
    logins = {u.username: u for u in User.objects.filter(username__startswith="persona.", is_demo=True)}
    people = [(p, logins.get(f"persona.{p.key}")) for p in PERSONAS]
    return render(request, "demo/personas.html", {
        "people": [(p, u) for p, u in people if u is not None],
        "staff": STAFF,
        "password": DEMO_PASSWORD,
    })


@require_POST
def login_as(request, user_id):
    _require_demo_mode()
    user = get_object_or_404(User, uuid=user_id, is_demo=True, role=Role.CITIZEN, is_active=True)
    login(request, user, backend="helhed.core.auth.HelhedModelBackend")
    return redirect("registry:my_data")
