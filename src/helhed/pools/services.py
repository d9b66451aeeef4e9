"""Every write of the grant pools: define a pool, apply, decide, allocate, evaluate tranches
(paying or forfeiting each exactly once), create a follow-up pool from unclaimed money, and
store the monthly reports. Services take keyword arguments, run in one transaction and
refuse bad input with a Danish ``ValidationError``."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum

from helhed.core.calendar import COPENHAGEN, is_past_deadline, local_date
from helhed.core.models import User
from helhed.pools import milestones
from helhed.pools.allocation import RULE_VERSION, AllocationError, allocate, units_of
from helhed.pools.models import (
    Allocation,
    AllocationBasis,
    Application,
    ApplicationStatus,
    Forfeiture,
    MilestoneKind,
    MonthlyReport,
    Payout,
    Pool,
    StaffingLine,
    StaffRole,
    Tranche,
)
from helhed.register.kommuner import kommunekoder
from helhed.register.models import TargetGroupMember, TargetGroupResult
from helhed.review import measures
from helhed.review.models import Programme


@dataclass(frozen=True)
class TrancheSpec:
    percent: Decimal
    kind: str
    latest_on: datetime.date
    threshold: Decimal | None = None
    months: int | None = None


# Seed 002: 30 % at the start, 40 % when the whole gross target group is afklaret og
# visiteret, 30 % when at least 40 % have been in virksomhedsrettet indsats for three months.
def flere_skal_med_schedule(*, start_latest: datetime.date, resolved_latest: datetime.date,
                            effort_latest: datetime.date) -> list[TrancheSpec]:
    return [
        TrancheSpec(Decimal("30"), MilestoneKind.AT_START, start_latest),
        TrancheSpec(Decimal("40"), MilestoneKind.ALL_RESOLVED, resolved_latest),
        TrancheSpec(Decimal("30"), MilestoneKind.EFFORT_SHARE, effort_latest, Decimal("40"), 3),
    ]


def pool_problems(*, name: str, legal_basis: str, total: Decimal, unit: int, period_start, period_end,
                  opens_on, deadline, tranches: list[TrancheSpec]) -> dict[str, list[str]]:
    """What is wrong with a pool definition, by field; empty when it is sound. The tranche
    percentages must add up to 100 (the whole grant is paid in tranches, seed 002)."""
    problems: dict[str, list[str]] = {}

    def add(field, text):
        problems.setdefault(field, []).append(text)

    if not name.strip():
        add("name", "Skriv puljens navn.")
    if not legal_basis.strip():
        add("legal_basis", "Skriv bevillingsgrundlaget, fx en finanslovskonto.")
    try:
        units_of(total, Decimal(unit))
    except AllocationError as error:
        add("total", str(error))
    if period_start and period_end and period_end < period_start:
        add("period_end", "Periodens slut skal ligge efter dens start.")
    if opens_on and deadline and deadline < opens_on:
        add("deadline", "Ansøgningsfristen skal ligge efter den dag, ansøgningen åbner.")
    if not tranches:
        add("tranches", "Puljen skal have mindst én rate.")
    elif sum(t.percent for t in tranches) != 100:
        add("tranches", f"Raterne skal tilsammen være 100 %; de er {sum(t.percent for t in tranches):f} %.")
    for number, t in enumerate(tranches, start=1):
        if t.percent <= 0:
            add("tranches", f"Rate {number}: procenten skal være over 0.")
        if t.kind == MilestoneKind.EFFORT_SHARE:
            if t.threshold is None or not 0 < t.threshold <= 100:
                add("tranches", f"Rate {number}: skriv den andel (1-100 %), der skal være i virksomhedsrettet indsats.")
            if not t.months or t.months < 1:
                add("tranches", f"Rate {number}: skriv antallet af sammenhængende måneder (mindst 1).")
        if period_start and t.latest_on < period_start:
            add("tranches", f"Rate {number}: den seneste dato ligger før periodens start.")
    return problems


@transaction.atomic
def create_pool(*, actor: User, name: str, legal_basis: str, total: Decimal, period_start: datetime.date,
                period_end: datetime.date, opens_on: datetime.date, deadline: datetime.date,
                target_result: TargetGroupResult, tranches: list[TrancheSpec], unit: int = 1,
                allocation_basis: str = AllocationBasis.ALL_MUNICIPALITIES, parent: Pool | None = None) -> Pool:
    problems = pool_problems(name=name, legal_basis=legal_basis, total=total, unit=unit, period_start=period_start,
                             period_end=period_end, opens_on=opens_on, deadline=deadline, tranches=tranches)
    if problems:
        raise ValidationError(problems)
    pool = Pool.objects.create(
        name=name.strip(), legal_basis=legal_basis.strip(), total=total, unit=unit, period_start=period_start,
        period_end=period_end, opens_on=opens_on, deadline=deadline, target_result=target_result,
        allocation_basis=allocation_basis, parent=parent, created_by=actor,
    )
    Tranche.objects.bulk_create([
        Tranche(pool=pool, number=n, percent=t.percent, kind=t.kind, latest_on=t.latest_on,
                threshold=t.threshold if t.kind == MilestoneKind.EFFORT_SHARE else None,
                months=t.months if t.kind == MilestoneKind.EFFORT_SHARE else None)
        for n, t in enumerate(tranches, start=1)
    ])
    return pool


# --- Applications ---------------------------------------------------------------------

def application_window_problem(pool: Pool, now: datetime.datetime) -> str | None:
    """Applications are received from the opening day until the end of the deadline day in
    Danish time (seed 002: "Ansøgningsfristen er den 15. maj 2017"; DOMAIN.md: deadlines
    are Danish). ``helhed.core.calendar.is_past_deadline`` decides the end."""
    if is_past_deadline(pool.deadline, now):
        return (f"Ansøgningsfristen var {pool.deadline:%d.%m.%Y} kl. 23.59 (dansk tid). "
                "Der kan ikke længere søges om penge fra puljen.")
    if local_date(now) < pool.opens_on:
        return f"Puljen åbner for ansøgninger den {pool.opens_on:%d.%m.%Y}."
    return None


def staffing_problems(staffing: list[tuple[str, Decimal, Decimal]]) -> list[str]:
    """The staffing plan: front-line staff by role (seed 002), FTEs and costs not negative,
    at least one role with staff."""
    problems = []
    for role, fte, cost in staffing:
        if role not in StaffRole.values:
            problems.append(f"Ukendt funktion: {role}.")
        elif fte < 0 or cost < 0:
            problems.append(f"{StaffRole(role).label}: årsværk og udgift må ikke være negative.")
    if not any(fte > 0 for _, fte, _ in staffing):
        problems.append("Bemandingsplanen skal have mindst én funktion med årsværk.")
    return problems


def submit_application(*, pool: Pool, municipality_id: int, actor: User | None, contact: str,
                       staffing: list[tuple[str, Decimal, Decimal]], idempotency_key: uuid.UUID,
                       now: datetime.datetime, description: str = "") -> tuple[Application, bool]:
    """Submit a municipality's application; returns (application, created). A repeated
    submission (the same key, or a second one from the same municipality) creates nothing
    and returns the application already received."""
    existing = (Application.objects.filter(idempotency_key=idempotency_key).first()
                or Application.objects.filter(pool=pool, municipality_id=municipality_id).first())
    if existing:
        return existing, False
    problem = application_window_problem(pool, now)
    if problem:
        raise ValidationError(problem)
    errors = {}
    if not contact.strip():
        errors["contact"] = "Skriv navnet på kontaktpersonen."
    if staffing_problems(staffing):
        errors["staffing"] = staffing_problems(staffing)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                pool=pool, municipality_id=municipality_id, contact=contact.strip(), description=description.strip(),
                submitted_at=now, submitted_by=actor, idempotency_key=idempotency_key,
            )
            StaffingLine.objects.bulk_create([
                StaffingLine(application=application, role=role, fte=fte, cost=cost)
                for role, fte, cost in staffing if fte or cost
            ])
    except IntegrityError:
        return Application.objects.get(pool=pool, municipality_id=municipality_id), False
    return application, True


@transaction.atomic
def decide_application(*, application: Application, approve: bool, reason: str, actor: User,
                       now: datetime.datetime) -> Application:
    """Approve or reject a submitted application; a rejection needs a reason. A decided
    application and a pool already allocated cannot be changed."""
    application = Application.objects.select_for_update().select_related("pool").get(pk=application.pk)
    if application.status != ApplicationStatus.SUBMITTED:
        raise ValidationError(f"Ansøgningen er allerede {application.get_status_display().lower()}.")
    if application.pool.allocated_at:
        raise ValidationError("Puljen er fordelt; ansøgningen kan ikke afgøres nu.")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "Skriv en begrundelse for afslaget."})
    application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    application.reason = reason.strip()
    application.decided_at = now
    application.decided_by = actor
    application.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    return application


# --- Allocation -----------------------------------------------------------------------

def target_group_counts(result: TargetGroupResult) -> dict[int, int]:
    """Members per municipality in the pool's register result, all 98 (zeros included)."""
    counts = dict.fromkeys(kommunekoder(), 0)
    for code, n in (TargetGroupMember.objects.filter(result=result).values_list("municipality_id")
                    .annotate(n=Count("id")).values_list("municipality_id", "n")):
        counts[code] = n
    return counts


@transaction.atomic
def allocate_pool(*, pool: Pool, actor: User, now: datetime.datetime) -> list[Allocation]:
    """Allocate the pool by target-group counts (``helhed.pools.allocation.allocate``).

    With basis "all" every municipality's share is computed and the approved applicants get
    theirs; the shares of the others are the unclaimed amount (seed 002: money not claimed
    because municipalities did not apply goes out again). With basis "applicants" (a
    follow-up pool) the whole pool is split among the approved applicants."""
    pool = Pool.objects.select_for_update().get(pk=pool.pk)
    if pool.allocated_at:
        raise ValidationError("Puljen er allerede fordelt.")
    if not is_past_deadline(pool.deadline, now):
        raise ValidationError(f"Puljen kan først fordeles efter ansøgningsfristen {pool.deadline:%d.%m.%Y}.")
    statuses = Counter(pool.applications.values_list("status", flat=True))
    if statuses[ApplicationStatus.SUBMITTED]:
        raise ValidationError(f"{statuses[ApplicationStatus.SUBMITTED]} ansøgning(er) er ikke afgjort endnu.")
    approved = set(pool.applications.filter(status=ApplicationStatus.APPROVED).values_list("municipality_id",
                                                                                          flat=True))
    if not approved:
        raise ValidationError("Ingen ansøgninger er godkendt; der er ingen at fordele til.")
    counts = target_group_counts(pool.target_result)
    if pool.allocation_basis == AllocationBasis.APPLICANTS:
        counts = {code: n for code, n in counts.items() if code in approved}
    try:
        amounts = allocate(pool.total, counts, Decimal(pool.unit))
    except AllocationError as error:
        raise ValidationError(str(error)) from None
    rows = [Allocation(pool=pool, municipality_id=code, count=counts[code], amount=amounts[code],
                       applied=code in approved)
            for code in sorted(counts) if counts[code] or code in approved]
    Allocation.objects.bulk_create(rows)
    pool.allocated_at = now
    pool.allocation_rule_version = RULE_VERSION
    pool.save(update_fields=["allocated_at", "allocation_rule_version"])
    return rows


# --- Tranches -------------------------------------------------------------------------

def programme_for(pool: Pool, municipality_id: int) -> Programme | None:
    return Programme.objects.filter(result_id=pool.target_result_id, municipality_id=municipality_id).first()


def milestone_outcome(*, tranche: Tranche, pool: Pool, allocated_on: datetime.date, facts, denominator: str,
                      today: datetime.date) -> milestones.Outcome:
    if tranche.kind == MilestoneKind.AT_START:
        return milestones.at_start(period_start=pool.period_start, allocated_on=allocated_on)
    cutoff = milestones.entered_by(latest_on=tranche.latest_on, today=today)
    if tranche.kind == MilestoneKind.ALL_RESOLVED:
        return milestones.all_resolved(facts, today=today, entered_by=cutoff)
    return milestones.consecutive_months(facts, start=pool.period_start, today=today, threshold=tranche.threshold,
                                         months=tranche.months, denominator=denominator, entered_by=cutoff)


@dataclass
class EvaluationSummary:
    paid: int = 0
    forfeited: int = 0
    waiting: int = 0
    already: int = 0


def evaluate_pool(*, pool: Pool, today: datetime.date, actor: User | None = None) -> EvaluationSummary:
    """Evaluate every open tranche of every approved applicant: pay it when its milestone is
    met in time, forfeit it when its latest date has passed (``milestones.decide``). Each
    (tranche, municipality) is decided in its own transaction with the allocation row locked,
    and a unique constraint backs it: two evaluations at once pay exactly once."""
    summary = EvaluationSummary()
    if not pool.allocated_at:
        return summary
    allocated_on = pool.allocated_at.astimezone(COPENHAGEN).date()
    tranches = list(pool.tranches.all())
    percents = {t.number: t.percent for t in tranches}
    for allocation in pool.allocations.filter(applied=True).order_by("municipality_id"):
        decided = (set(Payout.objects.filter(tranche__pool=pool, municipality_id=allocation.municipality_id)
                       .values_list("tranche_id", flat=True))
                   | set(Forfeiture.objects.filter(tranche__pool=pool, municipality_id=allocation.municipality_id)
                         .values_list("tranche_id", flat=True)))
        open_tranches = [t for t in tranches if t.pk not in decided]
        summary.already += len(tranches) - len(open_tranches)
        if not open_tranches:
            continue
        programme = programme_for(pool, allocation.municipality_id)
        facts = measures.load_facts(programme, until=today) if programme else None
        denominator = programme.denominator if programme else "system"
        amounts = milestones.tranche_amounts(allocation.amount, percents, pool.unit)
        for tranche in open_tranches:
            outcome = milestone_outcome(tranche=tranche, pool=pool, allocated_on=allocated_on, facts=facts,
                                        denominator=denominator, today=today)
            decision = milestones.decide(met_on=outcome.met_on, latest_on=tranche.latest_on, today=today)
            if decision == milestones.Decision.WAIT:
                summary.waiting += 1
                continue
            if _record_decision(allocation=allocation, tranche=tranche, decision=decision, outcome=outcome,
                                amount=amounts[tranche.number], actor=actor):
                if decision == milestones.Decision.PAY:
                    summary.paid += 1
                else:
                    summary.forfeited += 1
            else:
                summary.already += 1
    return summary


def _record_decision(*, allocation: Allocation, tranche: Tranche, decision: str, outcome, amount: Decimal,
                     actor: User | None) -> bool:
    """Store one payout or forfeiture; False when another evaluation got there first."""
    evidence = outcome.evidence | {"rule": tranche.kind, "tranche": tranche.number,
                                   "latest_on": tranche.latest_on.isoformat()}
    try:
        with transaction.atomic():
            Allocation.objects.select_for_update().get(pk=allocation.pk)
            code = allocation.municipality_id
            if (Payout.objects.filter(tranche=tranche, municipality_id=code).exists()
                    or Forfeiture.objects.filter(tranche=tranche, municipality_id=code).exists()):
                return False
            if decision == milestones.Decision.PAY:
                Payout.objects.create(tranche=tranche, municipality_id=code, amount=amount, met_on=outcome.met_on,
                                      evidence=evidence, rule_version=milestones.rule_version(), created_by=actor)
            else:
                Forfeiture.objects.create(tranche=tranche, municipality_id=code, amount=amount,
                                          met_on=outcome.met_on, evidence=evidence,
                                          rule_version=milestones.rule_version())
    except IntegrityError:
        return False
    return True


# --- Redistribution -------------------------------------------------------------------

def unclaimed(pool: Pool) -> Decimal:
    """Money of the pool nobody will get: the shares of municipalities that did not apply
    (or were rejected) and the forfeited tranches. Seed 002: "Midler, der ikke søges ...
    fordeles efterfølgende via en ny pulje"."""
    if not pool.allocated_at:
        return Decimal(0)
    if hasattr(pool, "granted_total"):  # summed for a list of pools (selectors.pools_with_totals)
        return pool.total - (pool.granted_total or Decimal(0)) + (pool.forfeited_total or Decimal(0))
    granted = pool.allocations.filter(applied=True).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    forfeited = Forfeiture.objects.filter(tranche__pool=pool).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return pool.total - granted + forfeited


def available_for_follow_up(pool: Pool) -> Decimal:
    given = pool.follow_ups.aggregate(s=Sum("total"))["s"] or Decimal(0)
    return unclaimed(pool) - given


@transaction.atomic
def create_follow_up(*, parent: Pool, actor: User, name: str, legal_basis: str, total: Decimal,
                     period_start, period_end, opens_on, deadline, tranches: list[TrancheSpec],
                     target_result: TargetGroupResult | None = None) -> Pool:
    """A new pool from the parent's unclaimed money, with its own window, allocated among the
    municipalities that apply to it."""
    parent = Pool.objects.select_for_update().get(pk=parent.pk)
    available = available_for_follow_up(parent)
    if total > available:
        raise ValidationError({"total": f"Der er kun {available:,.2f} kr. uforbrugt i puljen.".replace(",", ".")})
    return create_pool(actor=actor, name=name, legal_basis=legal_basis, total=total, period_start=period_start,
                       period_end=period_end, opens_on=opens_on, deadline=deadline,
                       target_result=target_result or parent.target_result, tranches=tranches, unit=parent.unit,
                       allocation_basis=AllocationBasis.APPLICANTS, parent=parent)


# --- Monthly reports ------------------------------------------------------------------

def generate_monthly_reports(*, pool: Pool, today: datetime.date) -> tuple[int, int]:
    """The report of the month before ``today`` for every approved applicant, once per pool,
    municipality and month. Returns (made, already there)."""
    from helhed.pools import reports, selectors

    month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    made = already = 0
    for code in pool.allocations.filter(applied=True).order_by("municipality_id").values_list("municipality_id",
                                                                                              flat=True):
        if MonthlyReport.objects.filter(pool=pool, municipality_id=code, month=month).exists():
            already += 1
            continue
        dashboard = reports.monthly_figures(pool=pool, municipality_id=code, month=month)
        pdf = reports.dashboard_pdf(dashboard, title=f"Månedsrapport {selectors.month_label(month)}")
        try:
            with transaction.atomic():
                MonthlyReport.objects.create(pool=pool, municipality_id=code, month=month,
                                             figures=dashboard.as_json(), pdf=pdf)
        except IntegrityError:
            already += 1
        else:
            made += 1
    return made, already

