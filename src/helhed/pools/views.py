"""Pages of the grant pools: the pools, defining one (pool officers), applying (jobcentre
managers), deciding, allocating and evaluating tranches, follow-up pools, each
municipality's dashboard with its PDF and monthly reports, the ministry's overview and the
evaluation export."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helhed.core.formats import kroner
from helhed.core.forms import add_service_errors
from helhed.core.views import permission_required
from helhed.core.views_support import attachment, perform, submit_form
from helhed.pools import export, outcomes, payout_selectors, reports, selectors, services
from helhed.pools.forms import (
    ApplicationForm,
    BatchDecisionForm,
    DecisionForm,
    HearingAnswerForm,
    LateTrancheForm,
    PoolForm,
    SetAmountsForm,
    tranche_forms,
)
from helhed.pools.models import AllocationKey, ApplicationStatus
from helhed.register.models import TargetGroupResult

SEED_002_SCHEDULE = [
    {"percent": 30, "kind": "at_start"},
    {"percent": 40, "kind": "all_resolved"},
    {"percent": 30, "kind": "effort_share", "threshold": 40, "months": 3},
]


def _results():
    return list(TargetGroupResult.objects.order_by("-created_at")[:50])


def _pool_url(pool) -> str:
    return reverse("pools:pool", args=[pool.pk])


@require_GET
@never_cache
@permission_required("pools.view_pools")
def index(request):
    pools = list(selectors.pools_visible_to(request.user))
    return render(request, "pools/index.html", {
        "pools": pools, "can_manage": rules.has_perm("pools.manage_pools", request.user),
        "own": selectors.own_municipality(request.user),
    })


def _tranche_specs(forms):
    return [spec for f in forms if (spec := f.spec()) is not None]


def _pool_terms(d: dict, tranches) -> dict:
    """The terms a new pool and a follow-up pool both take from the pool form."""
    return {
        "name": d["name"], "legal_basis": d["legal_basis"], "total": d["total"], "period_start": d["period_start"],
        "period_end": d["period_end"], "opens_on": d["opens_on"], "deadline": d["deadline"],
        "tranches": _tranche_specs(tranches), "tranches_in_order": d["tranches_in_order"], "open_to": d["open_to"],
        "eligible_codes": d["eligible_codes"], "allocation_key": d["allocation_key"],
        "notice_days": 30 if d["notice_days"] is None else d["notice_days"],
        "hearing_business_days": d["hearing_business_days"] or 10,
    }


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("pools.manage_pools")
def create(request):
    results = _results()
    form = PoolForm(request.POST or None, results=results)
    tranches = tranche_forms(request.POST or None, initial=SEED_002_SCHEDULE)
    if form.is_valid() and all(f.is_valid() for f in tranches):
        done = submit_form(request, form, lambda d: services.create_pool(
            actor=request.user, unit=d["unit"],
            target_result=next(r for r in results if str(r.pk) == d["target_result"]),
            **_pool_terms(d, tranches)),
            success=lambda pool: f"Puljen {pool.name} er oprettet.", then=_pool_url)
        if done:
            return done
    return render(request, "pools/pool_form.html", {"form": form, "tranches": tranches, "follow_up": None})


@require_GET
@never_cache
@permission_required("pools.view_pools")
def pool(request, pool_id):
    p = selectors.get_pool(user=request.user, pool_id=pool_id)
    user = request.user
    manage = rules.has_perm("pools.manage_pools", user)
    own = selectors.own_municipality(user)
    apps = selectors.applications(user=user, pool=p)
    window_problem = services.application_window_problem(p, timezone.now())
    eligible = selectors.eligible_municipalities(p) if own is not None else None
    if eligible is not None and own not in eligible:
        window_problem = f"Puljen er kun åben for {p.get_open_to_display().lower()}; din kommune kan ikke søge den."
    return render(request, "pools/pool.html", {
        "p": p, "manage": manage, "own": own, "applications": apps, "tranches": list(p.tranches.all()),
        "own_application": next((a for a in apps if a.municipality_id == own), None),
        "can_apply": own is not None and rules.has_perm("pools.apply_for", user, own) and not window_problem,
        "window_problem": window_problem,
        "pending": sum(1 for a in apps if a.status == ApplicationStatus.SUBMITTED),
        "unclaimed": kroner(selectors.unclaimed(p)) if p.allocated_at else None,
        "available": selectors.available_for_follow_up(p) if p.allocated_at else None,
        "follow_ups": list(p.follow_ups.all()),
        "reports": selectors.received_reports(user=user, pool=p, code=own) if own else [],
        "batches": payout_selectors.batches(user=user, pool=p) if manage else [],
    })


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("pools.apply")
def apply(request, pool_id):
    p = selectors.get_pool(user=request.user, pool_id=pool_id)
    code = selectors.own_municipality(request.user)
    if code is None or not rules.has_perm("pools.apply_for", request.user, code):
        raise PermissionDenied
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            application, created = services.submit_application(
                pool=p, municipality_id=code, actor=request.user, contact=d["contact"],
                description=d["description"], staffing=form.staffing(), idempotency_key=d["idempotency_key"],
                now=timezone.now())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                messages.success(request, "Ansøgningen er modtaget.")
            else:
                messages.info(request, "Kommunen har allerede søgt puljen. Her er ansøgningen.")
            return redirect("pools:application", application_id=application.pk)
    return render(request, "pools/apply.html", {"p": p, "form": form,
                                                "window_problem": services.application_window_problem(
                                                    p, timezone.now())})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("pools.view_pools")
def application(request, application_id):
    from helhed.pools.models import Application

    a = Application.objects.select_related("pool", "municipality").filter(pk=application_id).first()
    if a is None or not rules.has_perm("pools.view_municipality", request.user, a.municipality_id):
        raise Http404
    manage = rules.has_perm("pools.manage_pools", request.user)
    form = DecisionForm(request.POST or None) if manage and a.status == ApplicationStatus.SUBMITTED else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = submit_form(request, form, lambda d: services.decide_application(
            application=a, approve=d["decision"] == "approve", reason=d["reason"], actor=request.user,
            now=timezone.now()),
            success="Ansøgningen er afgjort.", then=reverse("pools:pool", args=[a.pool_id]))
        if done:
            return done
    return render(request, "pools/application.html", {"a": a, "form": form})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("pools.manage_pools")
def allocate(request, pool_id):
    """Allocate the pool. When a tranche's latest date has already passed, the officer first
    chooses for each such tranche: move the date or let it be forfeited, with a reason."""
    p = selectors.get_pool(user=request.user, pool_id=pool_id)
    now = timezone.now()
    late = [] if p.allocated_at else selectors.late_tranches(p, timezone.localdate(now))
    data = request.POST if request.method == "POST" and "from_pool_page" not in request.POST else None
    forms = [LateTrancheForm(data, tranche=t) for t in late]
    set_amounts = None
    if p.allocation_key == AllocationKey.SET and not p.allocated_at:
        applicants = [(a.municipality_id, a.municipality.name)
                      for a in selectors.applications(user=request.user, pool=p)
                      if a.status == ApplicationStatus.APPROVED]
        set_amounts = SetAmountsForm(data, applicants=applicants)
    asks = bool(late) or set_amounts is not None
    if request.method == "POST" and (not asks or (data is not None and all(f.is_valid() for f in forms)
                                                  and (set_amounts is None or set_amounts.is_valid()))):
        choices = {f.tranche.number: services.LateChoice(f.cleaned_data["choice"], f.cleaned_data["reason"],
                                                         f.cleaned_data.get("new_latest_on")) for f in forms}
        try:
            rows = services.allocate_pool(pool=p, actor=request.user, now=now, late_choices=choices,
                                          amounts=set_amounts.amounts() if set_amounts else None)
        except ValidationError as error:
            if set_amounts is None:
                messages.error(request, " ".join(error.messages))
                return redirect("pools:pool", pool_id=p.pk)
            add_service_errors(set_amounts, error)
        else:
            messages.success(request, f"Puljen er fordelt på {sum(1 for r in rows if r.applied)} kommuner.")
            return redirect("pools:pool", pool_id=p.pk)
    if not asks:
        return redirect("pools:pool", pool_id=p.pk)
    has_errors = any(f.errors for f in forms) or bool(set_amounts is not None and set_amounts.errors)
    return render(request, "pools/allocate.html", {"p": p, "forms": forms, "set_amounts": set_amounts,
                                                   "today": timezone.localdate(now), "has_errors": has_errors})


@require_POST
@permission_required("pools.manage_pools")
def evaluate(request, pool_id):
    p = selectors.get_pool(user=request.user, pool_id=pool_id)
    now = timezone.now()
    try:
        s = services.evaluate_pool(pool=p, today=timezone.localdate(now), now=now, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pools:pool", pool_id=p.pk)
    if s.batch is None:
        messages.info(request, "Raterne er vurderet: intet at udbetale eller lade bortfalde nu "
                               f"({s.waiting} afventer).")
        return redirect("pools:pool", pool_id=p.pk)
    messages.success(request, f"Forslag: {s.to_pay} rater til udbetaling og {s.to_forfeit} til bortfald. "
                              "En anden puljeansvarlig skal godkende forslaget, før noget udbetales.")
    return redirect("pools:batch", batch_id=s.batch.pk)


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("pools.manage_pools")
def batch(request, batch_id):
    v = payout_selectors.get_batch(user=request.user, batch_id=batch_id)
    b = v.batch
    can_recommend = services.batch_problem(batch=b, actor=request.user, action="recommend") is None
    can_decide = services.batch_problem(batch=b, actor=request.user, action="decide") is None
    form = BatchDecisionForm(request.POST or None) if can_decide else None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "recommend":
                services.recommend_batch(batch=b, actor=request.user, now=timezone.now())
                messages.success(request, "Forslaget er indstillet. En anden puljeansvarlig skal nu afgøre det.")
                return redirect("pools:batch", batch_id=b.pk)
            if form is None:
                raise ValidationError(services.batch_problem(batch=b, actor=request.user, action="decide"))
            if form.is_valid():
                approve = form.cleaned_data["decision"] == "approve"
                services.decide_batch(batch=b, approve=approve, reason=form.cleaned_data["reason"],
                                      actor=request.user, now=timezone.now())
                messages.success(request, "Forslaget er godkendt, og udbetalingsordrerne er dannet."
                                 if approve else "Forslaget er afvist. Raterne vurderes igen ved næste evaluering.")
                return redirect("pools:batch", batch_id=b.pk)
        except ValidationError as error:
            if form is not None:
                add_service_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("pools:batch", batch_id=b.pk)
    return render(request, "pools/batch.html", {"v": v, "b": b, "p": b.pool, "form": form,
                                                "can_recommend": can_recommend,
                                                "own_recommendation": b.recommended_by_id == request.user.pk})


@require_POST
@permission_required("pools.apply")
def answer_hearing(request, hearing_id):
    """The municipality answers a hearing before a tranche is forfeited (forvaltningsloven § 19)."""
    hearing = payout_selectors.get_hearing(user=request.user, hearing_id=hearing_id)
    if not rules.has_perm("pools.apply_for", request.user, hearing.municipality_id):
        raise PermissionDenied
    form = HearingAnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(" ".join(form.errors.get("answer", [])))
        services.answer_hearing(hearing=hearing, answer=form.cleaned_data["answer"], actor=request.user,
                                now=timezone.now())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Svaret er modtaget. Det indgår i afgørelsen.")
    return redirect("pools:dashboard", pool_id=hearing.tranche.pool_id, code=hearing.municipality_id)


@require_GET
@never_cache
@permission_required("pools.view_pools")
def forfeiture_pdf(request, forfeiture_id):
    f = payout_selectors.get_forfeiture(user=request.user, forfeiture_id=forfeiture_id)
    return attachment(reports.forfeiture_letter_pdf(f),
                      f"afgoerelse-bortfald-{f.municipality_id}-rate-{f.tranche.number}.pdf")


@require_GET
@never_cache
@permission_required("pools.view_pools")
def payout_pdf(request, payout_id):
    payout = payout_selectors.get_payout(user=request.user, payout_id=payout_id)
    return attachment(reports.payment_order_pdf(payout),
                      f"udbetalingsordre-{payout.municipality_id}-rate-{payout.tranche.number}.pdf")


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("pools.manage_pools")
def follow_up(request, pool_id):
    parent = selectors.get_pool(user=request.user, pool_id=pool_id)
    available = selectors.available_for_follow_up(parent)
    results = _results()
    form = PoolForm(request.POST or None, results=results, follow_up=True,
                    initial={"name": f"{parent.name} – restpulje", "legal_basis": parent.legal_basis,
                             "total": available})
    tranches = tranche_forms(request.POST or None, initial=SEED_002_SCHEDULE)
    if form.is_valid() and all(f.is_valid() for f in tranches):
        done = submit_form(request, form, lambda d: services.create_follow_up(
            parent=parent, actor=request.user,
            target_result=next((r for r in results if str(r.pk) == d.get("target_result")), None),
            **_pool_terms(d, tranches)),
            success=lambda pool: f"Puljen {pool.name} er oprettet af de uforbrugte midler.", then=_pool_url)
        if done:
            return done
    return render(request, "pools/pool_form.html", {"form": form, "tranches": tranches, "follow_up": parent,
                                                    "available": kroner(available)})


@require_GET
@never_cache
@permission_required("pools.view_overview")
def overview(request, pool_id):
    p = selectors.get_pool(user=request.user, pool_id=pool_id)
    o = selectors.overview(user=request.user, pool=p, today=timezone.localdate(),
                           sort=request.GET.get("sorter", "navn"), descending=request.GET.get("retning") == "faldende")
    columns = [("navn", "Kommune"), ("maalgruppe", "Målgruppe"), ("tilskud", "Tilskud"),
               ("afklaret", "Afklaret og visiteret"), ("indsats", "Virksomhedsrettet indsats, seneste måned"),
               ("udbetalt", "Udbetalt")]
    return render(request, "pools/overview.html", {"p": p, "o": o, "columns": columns})


@require_GET
@never_cache
@permission_required("pools.view_pools")
def dashboard(request, pool_id, code):
    p = selectors.get_pool(user=request.user, pool_id=pool_id)
    d = selectors.dashboard(user=request.user, pool=p, code=code, today=timezone.localdate())
    return render(request, "pools/dashboard.html", {
        "p": p, "d": d, "reports": selectors.received_reports(user=request.user, pool=p, code=code),
        "orders": payout_selectors.payout_orders(user=request.user, pool=p, code=code),
        "notices": payout_selectors.notices(user=request.user, pool=p, code=code),
        "forfeitures": payout_selectors.forfeitures(user=request.user, pool=p, code=code),
        "can_answer": rules.has_perm("pools.apply_for", request.user, code),
        "answer_form": HearingAnswerForm()})


@require_GET
@never_cache
@permission_required("pools.view_pools")
def dashboard_pdf(request, pool_id, code):
    p = selectors.get_pool(user=request.user, pool_id=pool_id)
    d = selectors.dashboard(user=request.user, pool=p, code=code, today=timezone.localdate())
    return attachment(reports.dashboard_pdf(d), f"fremdrift-{code}-{d.today.isoformat()}.pdf")


@require_GET
@never_cache
@permission_required("pools.view_pools")
def report_pdf(request, report_id):
    r = selectors.get_report(user=request.user, report_id=report_id)
    return attachment(bytes(r.pdf), f"maanedsrapport-{r.municipality_id}-{r.month:%Y-%m}.pdf")


@require_GET
@never_cache
@permission_required("pools.export")
def export_file(request, pool_id, kind):
    p = selectors.get_pool(user=request.user, pool_id=pool_id)
    if kind not in ("parquet", "csv", "opsummering", "maalepunkter"):
        raise Http404
    data = export.evaluation_rows(pool=p, today=timezone.localdate())
    outcomes.record_measurement(pool=p, outcomes=data.outcomes, actor=request.user)
    if kind == "parquet":
        content, media, name = export.as_bytes(data, "parquet"), "application/vnd.apache.parquet", "evaluering.parquet"
    elif kind == "csv":
        content, media, name = export.as_bytes(data, "csv"), "text/csv; charset=utf-8", "evaluering.csv"
    elif kind == "opsummering":
        content, media, name = export.summary_bytes(data), "text/csv; charset=utf-8", "opsummering.csv"
    else:
        content, media, name = export.points_bytes(data), "text/csv; charset=utf-8", "maalepunkter.csv"
    return attachment(content, name, media)


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("pools.export")
def evaluation(request, pool_id):
    """The evaluation's outcome points: which extract each is measured on, the outcomes in the
    whole country (small counts hidden), and naming a later register extract as evidence."""
    from helhed.pools.forms import EvaluationExtractForm
    from helhed.register.models import RegisterExtract

    p = selectors.get_pool(user=request.user, pool_id=pool_id)
    extracts = list(RegisterExtract.objects.order_by("-uploaded_at")[:50])
    form = EvaluationExtractForm(request.POST or None, extracts=extracts)
    done = submit_form(request, form, lambda d: outcomes.register_extract(
        pool=p, extract=next(e for e in extracts if str(e.pk) == d["extract"]), data_as_of=d["data_as_of"],
        actor=request.user, today=timezone.localdate()),
        success="Udtrækket er tilknyttet evalueringen.", then=reverse("pools:evaluation", args=[p.pk]))
    if done:
        return done
    e = selectors.evaluation_overview(pool=p, today=timezone.localdate())
    return render(request, "pools/evaluation.html", {"p": p, "e": e, "form": form})


@require_http_methods(["GET", "POST"])
@never_cache
@permission_required("pools.view_ambassadors")
def ambassadors(request):
    """The national list of the ambassador corps; adding one (pool officers, or a jobcentre
    manager for their own municipality)."""
    from helhed.core.models import Municipality
    from helhed.core.rules import municipality_scope
    from helhed.pools import ambassadors as corps
    from helhed.pools.forms import AmbassadorForm

    user = request.user
    if rules.has_perm("pools.manage_pools", user):
        allowed = list(Municipality.objects.order_by("name"))
    else:
        scope = municipality_scope(user) or set()
        allowed = [m for m in Municipality.objects.filter(code__in=scope).order_by("name")
                   if rules.has_perm("pools.manage_ambassadors", user, m.code)]
    form = AmbassadorForm(request.POST or None, municipalities=allowed) if allowed else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        done = submit_form(request, form, lambda d: corps.add_ambassador(
            actor=user, municipality_id=d["municipality"], name=d["name"], title=d["title"], email=d["email"],
            phone=d["phone"], results=d["results"], now=timezone.now()),
            success=lambda a: f"{a.name} er optaget i ambassadørkorpset.", then="pools:ambassadors")
        if done:
            return done
    listed = list(corps.ambassadors_visible_to(user))
    can_withdraw = {a.pk for a in listed if rules.has_perm("pools.manage_ambassadors", user, a.municipality_id)}
    return render(request, "pools/ambassadors.html", {"ambassadors": listed, "form": form,
                                                      "can_withdraw": can_withdraw})


@require_POST
@permission_required("pools.view_ambassadors")
def ambassador_withdraw(request, ambassador_id):
    from helhed.pools import ambassadors as corps
    from helhed.pools.forms import WithdrawAmbassadorForm

    a = corps.ambassadors_visible_to(request.user).filter(pk=ambassador_id).first()
    if a is None:
        raise Http404
    if not rules.has_perm("pools.manage_ambassadors", request.user, a.municipality_id):
        raise PermissionDenied
    form = WithdrawAmbassadorForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Skriv en begrundelse for, at ambassadøren udtræder.")
        return redirect("pools:ambassadors")
    return perform(request, lambda: corps.withdraw_ambassador(
        actor=request.user, ambassador=a, reason=form.cleaned_data["reason"], now=timezone.now()),
        success=f"{a.name} er udtrådt af ambassadørkorpset.", then="pools:ambassadors")
