"""Pages of cash access: the municipality's solutions, citizens' arrangements and their
hand-out log (municipal staff), and the partnership's follow-up with its PDF report."""

from __future__ import annotations

import datetime
import time

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from helhed.cashaccess import charts, selectors, services
from helhed.cashaccess.forms import (
    ArrangementForm,
    HandoutForm,
    ReconcileForm,
    ReversalForm,
    SolutionForm,
    StatusForm,
)
from helhed.core import pdf
from helhed.core.forms import PeriodForm
from helhed.core.views import permission_required
from helhed.core.views_support import attachment, page_forms, submit_form
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
    if solution is None:
        done = submit_form(request, form, lambda data: services.record_solution(
            municipality_id=municipalities[0], actor=request.user, **data),
            success="Løsningen er registreret.", then="cashaccess:solutions")
    else:
        done = submit_form(request, form, lambda data: services.change_solution(solution=solution, **data),
                           success="Løsningen er ændret.", then="cashaccess:solutions")
    if done:
        return done
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
    done = submit_form(request, form,
                       lambda data: services.set_up_arrangement(citizen=citizen, actor=request.user, **data),
                       success="Kontantordningen er oprettet.",
                       then=lambda arrangement: reverse("cashaccess:arrangement", args=[arrangement.pk]))
    if done:
        return done
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


_arrangement_form = page_forms(
    perm="cashaccess.serve_arrangements",
    load=lambda request, arrangement_id: selectors.arrangement_detail(
        user=request.user, arrangement_id=arrangement_id, purpose=DETAIL_PURPOSE, channel="web"),
    page=lambda request, detail, **forms: _detail(request, detail.arrangement.pk, **forms),
    url=lambda detail: reverse("cashaccess:arrangement", args=[detail.arrangement.pk]))


handout_create = _arrangement_form(
    "handout_form", lambda request, d: HandoutForm(request.POST, expected=d.expected),
    lambda request, d, data: services.log_handout(arrangement=d.arrangement, staff=request.user,
                                                  today=timezone.localdate(), **data),
    lambda logged: "Udleveringen er registreret." if logged[1]
    else "Udleveringen var allerede registreret. Den er ikke registreret igen.")
# Correct a mistake: an appended reversal with a reason, never an edit.
handout_reverse = _arrangement_form(
    "reversal_form", lambda request, d: ReversalForm(request.POST, handouts=d.reversible),
    lambda request, d, data: services.reverse_handout(staff=request.user, today=timezone.localdate(), **data),
    "Udleveringen er tilbageført. Registrér den rigtige udlevering, hvis der blev udleveret noget.")
status_change = _arrangement_form(
    "status_form", lambda request, d: StatusForm(request.POST),
    lambda request, d, data: services.change_arrangement_status(arrangement=d.arrangement, **data),
    "Ordningens status er ændret.")


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
            done = submit_form(
                request, form,
                lambda data: [row for code in sorted(request.user.municipalities.values_list("code", flat=True))
                              for row in services.reconcile_month(municipality_id=code, month=month, today=today)],
                success=lambda found: f"Afstemningen er gemt. {len(found)} borger(e) har fået en opgave."
                if found else "Afstemningen er gemt. Alt stemmer.",
                then=f"{request.path}?month={month:%Y-%m}")
            if done:
                return done
        rows = selectors.reconciliation(user=request.user, month=month, channel="web")
    return render(request, "cashaccess/reconciliation.html", {"form": form, "rows": rows})


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
    response = attachment(document, f"kontantadgang-{report.current.period_start}-{report.current.period_end}.pdf")
    response["X-Render-Seconds"] = f"{time.perf_counter() - started:.3f}"
    return response
