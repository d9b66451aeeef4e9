"""Pages of cash access: the municipality's solutions, citizens' arrangements and their
hand-out log (municipal staff), and the partnership's follow-up with its PDF report."""

from __future__ import annotations

import datetime
import time

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from helhed.cashaccess import charts, selectors, services
from helhed.cashaccess.forms import (
    ArrangementForm,
    HandoutForm,
    PeriodForm,
    ReconcileForm,
    ReversalForm,
    SolutionForm,
    StatusForm,
)
from helhed.core import pdf
from helhed.core.forms import add_service_errors
from helhed.core.views import permission_required
from helhed.registry.forms import CitizenSearchForm

DETAIL_PURPOSE = "Kontantadgang: ordning og udleveringer"




@never_cache
@permission_required("cashaccess.view_solutions")
def solutions(request):
    return render(request, "cashaccess/solutions.html", {
        "solutions": selectors.solutions_visible_to(request.user).order_by("-starts_on", "name"),
        "can_record": rules.has_perm("cashaccess.record_solutions", request.user),
        "today": timezone.localdate(),
    })


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("cashaccess.record_solutions")
def solution_form(request, solution_id=None):
    solution = selectors.solution_for_change(user=request.user, solution_id=solution_id) if solution_id else None
    municipalities = sorted(request.user.municipalities.values_list("code", flat=True))
    if not municipalities:
        raise PermissionDenied
    form = SolutionForm(request.POST or None, instance=solution)
    if request.method == "POST" and form.is_valid():
        try:
            if solution is None:
                services.record_solution(municipality_id=municipalities[0], actor=request.user, **form.cleaned_data)
                messages.success(request, "Løsningen er registreret.")
            else:
                services.change_solution(solution=solution, **form.cleaned_data)
                messages.success(request, "Løsningen er ændret.")
            return redirect("cashaccess:solutions")
        except ValidationError as error:
            add_service_errors(form, error)
    return render(request, "cashaccess/solution_form.html", {"form": form, "solution": solution})


@sensitive_post_parameters("q")
@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("cashaccess.serve_arrangements")
def arrangements(request):
    """The municipality's arrangements, and a citizen search (posted, so a CPR number never
    lands in a URL) to start a new one."""
    form = CitizenSearchForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            found = selectors.find_citizens_for_arrangement(user=request.user, query=form.cleaned_data["q"],
                                                            channel="web")
        except ValidationError as error:
            form.add_error("q", error)
    return render(request, "cashaccess/arrangements.html", {
        "arrangements": selectors.arrangement_list(user=request.user, channel="web"),
        "form": form, "found": found,
    })


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("cashaccess.serve_arrangements")
def arrangement_new(request, citizen_id):
    citizen = selectors.citizen_for_arrangement(user=request.user, citizen_id=citizen_id, channel="web")
    today = timezone.localdate()
    form = ArrangementForm(request.POST or None, initial={"starts_on": today},
                           solutions=selectors.solutions_for_citizen(citizen=citizen, on=today))
    if request.method == "POST" and form.is_valid():
        try:
            arrangement = services.set_up_arrangement(citizen=citizen, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Kontantordningen er oprettet.")
            return redirect("cashaccess:arrangement", arrangement_id=arrangement.pk)
    return render(request, "cashaccess/arrangement_form.html", {"form": form, "citizen": citizen})


def _detail(request, arrangement_id, *, handout_form=None, status_form=None, reversal_form=None, status=200):
    detail = selectors.arrangement_detail(user=request.user, arrangement_id=arrangement_id,
                                          purpose=DETAIL_PURPOSE, channel="web")
    today = timezone.localdate()
    return render(request, "cashaccess/arrangement.html", {
        "d": detail,
        "a": detail.arrangement,
        "handout_form": handout_form or HandoutForm(initial={"handed_out_on": today}, expected=detail.expected),
        "status_form": status_form or StatusForm(initial={"on": today}),
        "reversal_form": reversal_form or ReversalForm(handouts=detail.reversible),
    }, status=status)


@never_cache
@permission_required("cashaccess.serve_arrangements")
def arrangement(request, arrangement_id):
    return _detail(request, arrangement_id)


@require_POST
@never_cache
@permission_required("cashaccess.serve_arrangements")
def handout_create(request, arrangement_id):
    detail = selectors.arrangement_detail(user=request.user, arrangement_id=arrangement_id,
                                          purpose=DETAIL_PURPOSE, channel="web")
    form = HandoutForm(request.POST, expected=detail.expected)
    if form.is_valid():
        try:
            _, created = services.log_handout(arrangement=detail.arrangement, staff=request.user,
                                              today=timezone.localdate(), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Udleveringen er registreret." if created
                             else "Udleveringen var allerede registreret. Den er ikke registreret igen.")
            return redirect("cashaccess:arrangement", arrangement_id=arrangement_id)
    return _detail(request, arrangement_id, handout_form=form)


@require_POST
@never_cache
@permission_required("cashaccess.serve_arrangements")
def handout_reverse(request, arrangement_id):
    """Correct a mistake: an appended reversal with a reason, never an edit."""
    detail = selectors.arrangement_detail(user=request.user, arrangement_id=arrangement_id,
                                          purpose=DETAIL_PURPOSE, channel="web")
    form = ReversalForm(request.POST, handouts=detail.reversible)
    if form.is_valid():
        try:
            services.reverse_handout(staff=request.user, today=timezone.localdate(), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Udleveringen er tilbageført. Registrér den rigtige udlevering, hvis der "
                                      "blev udleveret noget.")
            return redirect("cashaccess:arrangement", arrangement_id=arrangement_id)
    return _detail(request, arrangement_id, reversal_form=form)


def _last_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("cashaccess.serve_arrangements")
def reconciliation(request):
    """Cash paid and cash handed out per citizen for a month; posting makes a task for each
    citizen whose figures differ."""
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else (request.GET or {"month": f"{_last_month(today):%Y-%m}"})
    form = ReconcileForm(data)
    rows = None
    if form.is_valid():
        month = form.cleaned_data["month"]
        if request.method == "POST":
            try:
                found = [row for code in sorted(request.user.municipalities.values_list("code", flat=True))
                         for row in services.reconcile_month(municipality_id=code, month=month, today=today)]
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Afstemningen er gemt. {len(found)} borger(e) har fået en opgave."
                                 if found else "Afstemningen er gemt. Alt stemmer.")
                return redirect(f"{request.path}?month={month:%Y-%m}")
        rows = selectors.reconciliation(user=request.user, month=month, channel="web")
    return render(request, "cashaccess/reconciliation.html", {"form": form, "rows": rows})


@require_POST
@never_cache
@permission_required("cashaccess.serve_arrangements")
def status_change(request, arrangement_id):
    detail = selectors.arrangement_detail(user=request.user, arrangement_id=arrangement_id,
                                          purpose=DETAIL_PURPOSE, channel="web")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_arrangement_status(arrangement=detail.arrangement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Ordningens status er ændret.")
            return redirect("cashaccess:arrangement", arrangement_id=arrangement_id)
    return _detail(request, arrangement_id, status_form=form)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The calendar year so far: the partnership reports at the end of the year (seed 000)."""
    return today.replace(month=1, day=1), today


def _report(request):
    start, end = default_period(timezone.localdate())
    form = PeriodForm(request.GET or {"fra": start, "til": end})
    if form.is_valid():
        start, end = form.cleaned_data["fra"], form.cleaned_data["til"]
    report = selectors.follow_up_report(user=request.user, period_start=start, period_end=end)
    return form, report, charts.for_report(report)


@never_cache
@permission_required("cashaccess.view_indicators")
def follow_up(request):
    form, report, chart = _report(request)
    return render(request, "cashaccess/follow_up.html", {"form": form, "r": report, "charts": chart})


@never_cache
@permission_required("cashaccess.view_indicators")
def follow_up_pdf(request):
    """The same figures as the screen page, rendered by WeasyPrint from the same template."""
    form, report, chart = _report(request)
    started = time.perf_counter()
    document = pdf.render("cashaccess/report_pdf.html",
                          {"r": report, "charts": chart, "generated": timezone.localtime()}, request=request)
    response = HttpResponse(document, content_type="application/pdf")
    name = f"kontantadgang-{report.current.period_start}-{report.current.period_end}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Render-Seconds"] = f"{time.perf_counter() - started:.3f}"
    return response
