"""Pages of the case review: programmes and their progress (jobcentre managers, caseworkers;
pool officers see figures only), the programme's cases, one case with its review, efforts
and benefit periods, and the import of efforts from a file."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from helhed.core.models import User
from helhed.core.views import permission_required
from helhed.core.views_support import page_forms, permitted, stale_error, submit_form
from helhed.register.models import TargetGroupResult
from helhed.review import measures, selectors, services
from helhed.review.forms import (
    AssignForm,
    BenefitForm,
    BulkAssignForm,
    CaseForm,
    DecisionForm,
    EffortForm,
    ImportForm,
    ProgrammeForm,
    RegisterImportForm,
    StatusForm,
)
from helhed.review.models import CONTENT_FIELDS, Status

PURPOSE = "Gennemgang: arbejde med borgerens sag"




@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("review.view_programmes")
def index(request):
    user = request.user
    results = selectors.results_for_new_programme(user)
    form = None
    if rules.has_perm("review.create_programme", user):
        today = timezone.localdate()
        form = ProgrammeForm(request.POST or None, results=results,
                             initial={"started_on": today, "name": f"Gennemgang {today.year}"})
        done = submit_form(
            request, form,
            lambda data: services.create_programme(
                actor=user, result=TargetGroupResult.objects.get(pk=data["result"]),
                municipality_id=min(user.municipalities.values_list("code", flat=True)), name=data["name"],
                started_on=data["started_on"], review_days=data["review_days"], denominator=data["denominator"]),
            success=lambda programme: f"Programmet er oprettet med {programme.gross_target_group} sager.",
            then=lambda programme: reverse("review:programme", args=[programme.pk]))
        if done:
            return done
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "review/index.html", {"rows": selectors.programme_rows(user), "form": form,
                                                 "has_results": bool(results)})


def _programme(request, programme_id, perm: str, refused: type[Exception] = Http404):
    """The programme in the user's scope, when the user may ``perm`` on it."""
    return permitted(request, perm, selectors.get_programme(user=request.user, programme_id=programme_id),
                     refused=refused)


@never_cache
@permission_required("review.view_programmes")
def programme(request, programme_id):
    p = selectors.get_programme(user=request.user, programme_id=programme_id)
    progress = selectors.progress(user=request.user, programme=p, today=timezone.localdate(), channel="web")
    top = max((m.percent or 0 for m in progress.months), default=0)
    return render(request, "review/programme.html", {
        "p": p, "g": progress, "chart_top": max(top, 40),
        "can_cases": rules.has_perm("review.view_cases", request.user, p),
        "can_assign": rules.has_perm("review.assign_cases", request.user, p),
        "can_measure": rules.has_perm("review.record_measurement", request.user, p),
        "can_import_register": rules.has_perm("review.import_register", request.user, p),
        "register_import": p.register_imports.order_by("-extract_on", "-imported_at").first(),
    })


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("review.view_programmes")
def cases(request, programme_id):
    p = _programme(request, programme_id, "review.view_cases")
    can_assign = rules.has_perm("review.assign_cases", request.user, p)
    caseworkers = selectors.assignable_caseworkers(p) if can_assign else []
    bulk = BulkAssignForm(request.POST or None, caseworkers=caseworkers) if can_assign else None
    if request.method == "POST":
        if bulk is None:
            raise PermissionDenied
        done = submit_form(
            request, bulk,
            lambda data: services.assign_in_bulk(
                programme=p, caseworkers=list(User.objects.filter(pk__in=data["caseworkers"])), actor=request.user),
            success=lambda n: f"{n} sager er fordelt.", then=reverse("review:cases", args=[p.pk]))
        if done:
            return done
    status = request.GET.get("status", "")
    mine = request.GET.get("mine") == "1"
    found = selectors.case_list(user=request.user, programme=p, channel="web", status=status, mine=mine)
    return render(request, "review/cases.html", {
        "p": p, "cases": found, "bulk": bulk, "status": status, "mine": mine, "statuses": Status.choices,
    })


def _case_page(request, case_id, *, case_form=None, status_form=None, effort_form=None, benefit_form=None,
               assign_form=None):
    posted = next((f for f in (case_form, status_form) if f is not None), None)
    stale = stale_error(posted) if posted is not None else None
    d = selectors.case_detail(user=request.user, case_id=case_id, purpose=PURPOSE, channel="web")
    c = d.case
    today = timezone.localdate()
    initial = {name: getattr(c, name) for name in CONTENT_FIELDS} | {"version": c.version}
    return render(request, "review/case.html", {
        "d": d, "c": c, "stale": stale,
        "case_form": case_form or CaseForm(initial=initial, prefix="gennemgang"),
        "status_form": status_form or StatusForm(initial={"version": c.version, "on": today}, status=c.status,
                                                 prefix="status"),
        "effort_form": effort_form or EffortForm(initial={"starts_on": today}, prefix="indsats"),
        "benefit_form": benefit_form or BenefitForm(prefix="ydelse"),
        "assign_form": assign_form or (AssignForm(caseworkers=d.caseworkers, prefix="fordel",
                                                  initial={"caseworker": c.caseworker_id})
                                       if d.caseworkers else None),
        "resolved": c.is_resolved,
    }, status=409 if stale else 200)


@never_cache
@permission_required("review.view_programmes")
def case(request, case_id):
    return _case_page(request, case_id)


def _posted_case(request, case_id):
    if not rules.has_perm("review.view_programmes", request.user):
        raise PermissionDenied
    return selectors.case_detail(user=request.user, case_id=case_id, purpose=PURPOSE, channel="web").case


_case_form = page_forms(perm="review.view_programmes", load=_posted_case,
                        page=lambda request, c, **forms: _case_page(request, c.pk, **forms),
                        url=lambda c: reverse("review:case", args=[c.pk]))


def _assign_form(request, c):
    if not rules.has_perm("review.assign_cases", request.user, c.programme):
        raise PermissionDenied
    return AssignForm(request.POST, caseworkers=selectors.assignable_caseworkers(c.programme), prefix="fordel")


case_save = _case_form(
    "case_form", lambda request, c: CaseForm(request.POST, prefix="gennemgang"),
    lambda request, c, data: services.save_case(case=c, actor=request.user, on=timezone.localdate(), **data),
    "Gennemgangen er gemt.")
case_status = _case_form(
    "status_form", lambda request, c: StatusForm(request.POST, status=c.status, prefix="status"),
    lambda request, c, data: services.change_status(case=c, actor=request.user, **data), "Sagens status er ændret.")
effort_create = _case_form(
    "effort_form", lambda request, c: EffortForm(request.POST, prefix="indsats"),
    lambda request, c, data: services.add_effort(case=c, actor=request.user, **data),
    lambda added: "Indsatsen er registreret." if added[1]
    else "Indsatsen var allerede registreret. Den er ikke registreret igen.")
benefit_create = _case_form(
    "benefit_form", lambda request, c: BenefitForm(request.POST, prefix="ydelse"),
    lambda request, c, data: services.add_benefit_period(case=c, actor=request.user, **data),
    "Rettelsen er registreret. Den tæller, når en kollega har godkendt den.")
case_assign = _case_form(
    "assign_form", _assign_form,
    lambda request, c, data: services.assign_case(case=c, caseworker=User.objects.get(pk=data["caseworker"]),
                                                  actor=request.user, on=timezone.localdate()),
    "Sagen er fordelt.")


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("review.view_programmes")
def effort_import(request, programme_id):
    p = _programme(request, programme_id, "review.import_efforts")
    form = ImportForm(request.POST or None, request.FILES or None)
    done = submit_form(
        request, form,
        lambda data: services.import_efforts(programme=p, actor=request.user, name=data["file"].name[:200],
                                             content=data["file"].read()),
        success=lambda batch: f"{batch.rows} indsatser er indlæst fra {batch.original_name}.",
        then=reverse("review:programme", args=[p.pk]))
    if done:
        return done
    return render(request, "review/import.html", {"p": p, "form": form, "imports": p.imports.all()[:20]},
                  status=400 if form.errors else 200)


@require_POST
@never_cache
@permission_required("review.view_programmes")
def record_measurements(request, programme_id):
    p = _programme(request, programme_id, "review.record_measurement", refused=PermissionDenied)
    today = timezone.localdate()
    services.record_measurement(programme=p, measure=measures.all_afklaret_og_visiteret(p, on=today),
                                actor=request.user)
    services.record_measurement(programme=p, measure=measures.monthly_effort_share(p, today), actor=request.user)
    messages.success(request, "Målingerne er gemt med deres dokumentation.")
    return redirect("review:programme", programme_id=p.pk)


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("review.view_programmes")
def approvals(request, programme_id):
    """The programme's facts waiting for a colleague: backdated facts and typed corrections."""
    p = _programme(request, programme_id, "review.view_cases")
    failed = {}
    if request.method == "POST":
        kind, pk = request.POST.get("kind", ""), request.POST.get("pk", "")
        form = DecisionForm(request.POST)
        done = submit_form(
            request, form,
            lambda data: services.decide_fact(kind=kind, pk=pk, approve=data["decision"] == "approve",
                                              reason=data["decision_reason"], actor=request.user),
            success=lambda _: "Oplysningen er {}.".format(
                "godkendt" if form.cleaned_data["decision"] == "approve" else "afvist"),
            then=reverse("review:approvals", args=[p.pk]))
        if done:
            return done
        failed[(kind, pk)] = form
    rows = selectors.pending_facts(user=request.user, programme=p, channel="web")
    for row in rows:
        row.form = failed.pop((row.kind, str(row.fact.pk)), None) or DecisionForm()
    return render(request, "review/approvals.html", {
        "p": p, "rows": rows, "has_errors": bool(failed) or any(r.form.errors for r in rows),
        "orphan": next(iter(failed.values()), None)})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("review.view_programmes")
def register_import(request, programme_id):
    """Import a newer register extract of benefit periods into the programme."""
    p = _programme(request, programme_id, "review.import_register")
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    done = submit_form(
        request, form,
        lambda data: services.import_register_extract(
            programme=p, actor=request.user, name=data["file"].name[:200], content=data["file"].read(),
            extract_on=data["extract_on"], kind=data["kind"],
            dream_codes=data["codes"].read() if data["codes"] else None),
        success=lambda batch: f"Udtrækket er indlæst: {batch.members_found} af programmets "
                              f"{p.gross_target_group} borgere findes i det. Målingerne bruger det fra nu.",
        then=reverse("review:programme", args=[p.pk]))
    if done:
        return done
    return render(request, "review/register_import.html", {
        "p": p, "form": form, "imports": p.register_imports.order_by("-extract_on")[:24]},
        status=400 if form.errors else 200)
