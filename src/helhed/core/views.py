import logging
from functools import wraps

import rules
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from helhed.core import oidc
from helhed.core.forms import LoginForm
from helhed.core.roles import Role

logger = logging.getLogger("helhed.security")


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


def home(request):
    """The front door. A visitor who is not logged in meets the citizen's front page:
    book, cancel or find a Borgerservice time, ask for an acute time, log in to self-service,
    read the accessibility statement, or log in as staff. Each logged-in role is sent to
    where its work starts."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/front.html")
    if user.role == Role.CITIZEN:
        return redirect("registry:my_data")
    if rules.has_perm("registry.search_citizens", user):
        return redirect("registry:search")
    return render(request, "core/home.html")


@require_GET
def accessibility_statement(request):
    """The accessibility statement (tilgængelighedserklæring) that every Danish public website
    must publish: lov om webtilgængelighed § 4 and bekendtgørelse nr. 904 af 22/08/2019, in the
    structure of the EU's model statement (gennemførelsesafgørelse (EU) 2018/1523) that
    Digitaliseringsstyrelsen's WAS-Tool uses. Contact and review date are settings."""
    return render(request, "core/accessibility.html", {"statement": settings.HELHED_ACCESSIBILITY})


@require_GET
def was(request):
    """``/was``, the short address Digitaliseringsstyrelsen asks for: the statement published
    in WAS-Tool when the operator has set its address, else helhed's own statement."""
    return redirect(settings.HELHED_ACCESSIBILITY["was_url"] or "core:accessibility")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "mitid": oidc.configured(oidc.CITIZEN),
                "organisation_login": oidc.configured(oidc.STAFF)}


# What a refused login through OpenID Connect shows (helhed.core.oidc.LoginRefused.reason).
LOGIN_REFUSALS = {
    "failed": ("Du blev ikke logget ind",
               "Svaret fra login-tjenesten kunne ikke godkendes, så du er ikke logget ind. Det kan ske, "
               "hvis du har brugt tilbage-knappen, eller hvis der gik for lang tid. Prøv at logge ind igen."),
    "loa": ("Dit login er ikke sikkert nok",
            "Du har logget ind på et sikringsniveau, der er for lavt til at se personoplysninger. helhed "
            "kræver sikringsniveau betydelig eller høj. Log ind igen med MitID, og godkend med MitID-appen, "
            "en kodeviser, en kodeoplæser eller en chip."),
    "unknown_citizen": ("Vi kan ikke finde dig i helhed",
                        "Du er logget ind med MitID, men du er ikke registreret som borger i helhed. Der er "
                        "derfor ingen oplysninger om dig her, og der er ikke oprettet noget om dig. Kontakt "
                        "Borgerservice i din kommune, hvis du mener, at du burde være registreret."),
    "blocked": ("Dit login er spærret",
                "Du kan ikke logge ind i helhed lige nu. Kontakt Borgerservice i din kommune eller din "
                "administrator, hvis du har brug for adgang."),
    "no_role": ("Du har ikke adgang til helhed",
                "Du er logget ind med din organisations login, men ingen af dine grupper giver adgang til "
                "helhed. Bed din administrator om at give dig en rolle."),
    "many_roles": ("Din adgang er ikke entydig",
                   "Dine grupper i din organisations login giver forskellige roller i helhed, og man kan kun "
                   "have én rolle. Bed din administrator om at rette dine grupper."),
}


def _oidc_provider(provider: str) -> str:
    if not oidc.configured(provider):
        raise Http404("Dette login er ikke sat op.")
    return provider


@require_GET
@never_cache
def oidc_login(request, provider: str):
    """Send the browser to the provider's login (authorisation code flow with PKCE)."""
    _oidc_provider(provider)
    callback = request.build_absolute_uri(reverse(f"core:oidc_callback_{provider}"))
    return oidc.client(provider).authorize_redirect(request, callback)


@require_GET
@never_cache
def oidc_callback(request, provider: str):
    """The provider's answer: a session for the citizen or staff member the verified claims
    name, or a Danish page saying why not. A citizen who holds a power of attorney in force
    chooses next whom to act for."""
    _oidc_provider(provider)
    session_data = None
    try:
        claims, id_token = oidc.verified_claims(request, provider)
        session_data = {"provider": provider, "id_token": id_token}
        user = oidc.citizen_user(claims) if provider == oidc.CITIZEN else oidc.staff_user(claims)
    except oidc.LoginRefused as refused:
        # The provider's session goes on; a link ends it, so that another person can log in.
        title, message = LOGIN_REFUSALS[refused.reason]
        provider_logout = oidc.logout_url(request, session_data, request.build_absolute_uri(reverse("core:login")))
        return render(request, "core/error.html", {"title": title, "message": message,
                                                   "provider_logout": provider_logout}, status=403)
    login(request, user, backend=oidc.BACKEND)
    request.session[oidc.SESSION_KEY] = session_data
    logger.info("Login through OpenID Connect (%s): user %s", provider, user.uuid)
    if provider == oidc.CITIZEN and oidc.represents_anyone(user):
        return redirect("intake:act_for")
    return redirect("core:home")


@require_POST
def logout_view(request):
    """Log out of helhed, and, for a session that came from a provider, of the provider too
    (RP-initiated logout): the browser is sent to its end-session endpoint and back."""
    back = request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL))
    provider_logout = oidc.logout_url(request, request.session.get(oidc.SESSION_KEY), back)
    logout(request)
    return redirect(provider_logout or settings.LOGOUT_REDIRECT_URL)


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


API_PREFIX = "/api/"


def _error_page(request, status: int, title: str, message: str, api_detail: str | None = None):
    """An error as a Danish page, or under /api/ as the API's Danish JSON (``{"detail": …}``)."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": api_detail or message}, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)


def error_400(request, exception=None):
    return _error_page(request, 400, "Forespørgslen kan ikke behandles",
                       "Det, der blev sendt, kan ikke behandles. Gå tilbage, og prøv igen.",
                       "Forespørgslen kan ikke behandles. Kontrollér indholdet, og prøv igen.")


def error_403(request, exception=None):
    return _error_page(request, 403, "Adgang nægtet", "Du har ikke adgang til denne side med din rolle.",
                       "Du har ikke adgang til dette med din rolle.")


def error_404(request, exception=None):
    return _error_page(request, 404, "Siden findes ikke", "Siden findes ikke, eller du har ikke adgang til den.",
                       "Findes ikke eller er ikke tilgængelig.")


def error_500(request):
    return _error_page(request, 500, "Der skete en fejl",
                       "Der skete en fejl hos os. Prøv igen om lidt. Oplys fejlnummeret, hvis du kontakter support.",
                       "Der skete en fejl hos os. Prøv igen om lidt, og oplys X-Request-ID, hvis du kontakter support.")


def csrf_failure(request, reason=""):
    """Django's CSRF_FAILURE_VIEW: a form sent without a valid security token (the page was
    open too long, cookies are off, or the form came from another site). The reason stays
    out of the page; Django logs it."""
    if request.path.startswith(API_PREFIX):
        from helhed.api import CSRF_FAILED

        return JsonResponse({"detail": CSRF_FAILED}, status=403, json_dumps_params={"ensure_ascii": False})
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = ""
    return render(request, "core/csrf_failure.html", {"back": back}, status=403)
