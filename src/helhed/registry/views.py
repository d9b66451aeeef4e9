"""Pages of the registry: caseworkers' citizen search and overview, and the citizen's own
self-service pages. Searches are posted, so a CPR number never lands in a URL."""

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from helhed.core.views import permission_required
from helhed.core.views_support import submit_form
from helhed.registry import selectors, services
from helhed.registry.forms import AccountOpenedForm, CitizenSearchForm


@sensitive_post_parameters("q")
@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("registry.search_citizens")
def search(request):
    form = CitizenSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        try:
            results = selectors.search_citizens(
                user=request.user, query=form.cleaned_data["q"], channel="web"
            )
        except ValidationError as error:
            form.add_error("q", error)
    return render(request, "registry/search.html", {"form": form, "results": results})


@never_cache
@permission_required("registry.search_citizens")
def overview(request, citizen_id):
    data = selectors.citizen_overview(
        user=request.user,
        citizen_id=citizen_id,
        purpose="Sagsbehandling: overblik over borgeren",
        channel="web",
        today=timezone.localdate(),
    )
    if not rules.has_perm("registry.view_citizen", request.user, data.citizen):
        raise PermissionDenied
    return render(request, "registry/overview.html", {
        "o": data,
        "can_record_nemkonto": rules.has_perm("registry.record_nemkonto", request.user, data.citizen),
    })


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("registry.search_citizens")
def nemkonto(request, citizen_id):
    """Record that a citizen without NemKonto has opened an account."""
    citizen = selectors.citizen_for_nemkonto(user=request.user, citizen_id=citizen_id, channel="web")
    today = timezone.localdate()
    form = AccountOpenedForm(request.POST or None, initial={"opened_on": today})
    done = submit_form(
        request, form, lambda data: services.record_account_opened(citizen=citizen, actor=request.user, today=today,
                                                                   **data),
        success=lambda _: f"NemKonto er registreret: {citizen.get_nemkonto_display().lower()}. "
                          "Opgaven om NemKonto er lukket.",
        then=reverse("registry:overview", args=[citizen.pk]))
    return done or render(request, "registry/nemkonto.html", {"citizen": citizen, "form": form})


@never_cache
@permission_required("registry.use_self_service")
def my_data(request):
    citizen = selectors.own_citizen(request.user)
    data = selectors.citizen_overview(
        user=request.user,
        citizen_id=citizen.pk,
        purpose="Selvbetjening: egne oplysninger",
        channel="web",
        today=timezone.localdate(),
    )
    return render(request, "registry/my_data.html", {"o": data})


@never_cache
@permission_required("core.view_own_audit_log")
def my_log(request):
    log = selectors.read_log(user=request.user, page=request.GET.get("side"))
    return render(request, "registry/my_log.html", {"log": log})
