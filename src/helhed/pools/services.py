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

from helhed.core.calendar import COPENHAGEN, add_business_days, is_past_deadline, local_date
from helhed.core.formats import kortdato, kroner
from helhed.core.models import User
from helhed.pools import milestones, selectors
from helhed.pools.allocation import RULE_VERSION, AllocationError, allocate, units_of
from helhed.pools.models import (
    Allocation,
    AllocationBasis,
    AllocationKey,
    Application,
    ApplicationStatus,
    BatchLine,
    BatchStatus,
    DecisionBatch,
    Forfeiture,
    LineOutcome,
    MilestoneKind,
    MonthlyReport,
    NoticeKind,
    OpenTo,
    Payout,
    Pool,
    StaffingLine,
    StaffRole,
    Tranche,
    TrancheNotice,
)
from helhed.register.kommuner import kommunekoder
from helhed.register.models import TargetGroupResult
from helhed.review import measures


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
                allocation_basis: str = AllocationBasis.ALL_MUNICIPALITIES, parent: Pool | None = None,
                tranches_in_order: bool = True, open_to: str = OpenTo.ALL, eligible_codes: list[int] | None = None,
                allocation_key: str = AllocationKey.COUNT, notice_days: int = 30,
                hearing_business_days: int = 10) -> Pool:
    problems = pool_problems(name=name, legal_basis=legal_basis, total=total, unit=unit, period_start=period_start,
                             period_end=period_end, opens_on=opens_on, deadline=deadline, tranches=tranches)
    codes = sorted(set(eligible_codes or []))
    if open_to == OpenTo.LIST and not codes:
        problems.setdefault("eligible_codes", []).append("Skriv mindst én kommunekode.")
    unknown = [c for c in codes if c not in set(kommunekoder())]
    if unknown:
        problems.setdefault("eligible_codes", []).append(f"Ukendte kommunekoder: {', '.join(map(str, unknown))}.")
    if problems:
        raise ValidationError(problems)
    pool = Pool.objects.create(
        name=name.strip(), legal_basis=legal_basis.strip(), total=total, unit=unit, period_start=period_start,
        period_end=period_end, opens_on=opens_on, deadline=deadline, target_result=target_result,
        allocation_basis=allocation_basis, parent=parent, created_by=actor, tranches_in_order=tranches_in_order,
        open_to=open_to, eligible_codes=codes if open_to == OpenTo.LIST else [], allocation_key=allocation_key,
        notice_days=notice_days, hearing_business_days=hearing_business_days,
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
        return (f"Ansøgningsfristen var {kortdato(pool.deadline)} kl. 23.59 (dansk tid). "
                "Der kan ikke længere søges om penge fra puljen.")
    if local_date(now) < pool.opens_on:
        return f"Puljen åbner for ansøgninger den {kortdato(pool.opens_on)}."
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
    eligible = selectors.eligible_municipalities(pool)
    if eligible is not None and municipality_id not in eligible:
        raise ValidationError(f"Puljen er kun åben for {pool.get_open_to_display().lower()}; "
                              "kommunen kan ikke søge den.")
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


def set_amount_problems(*, pool: Pool, approved: set[int], amounts: dict[int, Decimal]) -> list[str]:
    """Amounts set by the officer: one for every approved applicant, whole multiples of the
    pool's unit, not negative, summing exactly to the pool (DOMAIN.md: allocations must sum
    exactly to the pool)."""
    problems = []
    if set(amounts) != approved:
        problems.append("Skriv et beløb for hver godkendt ansøger og kun for dem.")
    counts = selectors.target_group_counts(pool.target_result)
    for code, amount in sorted(amounts.items()):
        if amount > 0 and not counts.get(code):
            problems.append(f"Kommune {code} har ingen i målgruppen og kan ikke få et beløb.")
        if amount < 0 or amount % pool.unit:
            problems.append(f"Kommune {code}: beløbet skal være et helt antal af {kroner(pool.unit)} og ikke negativt.")
    total = sum(amounts.values(), Decimal(0))
    if total != pool.total:
        problems.append(f"Beløbene er tilsammen {kroner(total)}; de skal give præcis puljens {kroner(pool.total)}")
    return problems


@dataclass(frozen=True)
class LateChoice:
    """The officer's choice for a tranche whose latest date passed before the allocation."""

    choice: str  # "move" or "forfeit"
    reason: str
    new_latest_on: datetime.date | None = None


def late_choice_problems(*, tranches: list[Tranche], choices: dict[int, LateChoice],
                         allocated_on: datetime.date) -> list[str]:
    problems = []
    for t in tranches:
        c = choices.get(t.number)
        if c is None or c.choice not in ("move", "forfeit"):
            problems.append(f"Rate {t.number}: den seneste dato {kortdato(t.latest_on)} er overskredet. "
                            "Vælg at flytte fristen eller at lade raten bortfalde.")
            continue
        if not c.reason.strip():
            problems.append(f"Rate {t.number}: skriv en begrundelse for valget.")
        if c.choice == "move" and (c.new_latest_on is None or c.new_latest_on < allocated_on):
            problems.append(f"Rate {t.number}: den nye seneste dato skal være {kortdato(allocated_on)} eller senere.")
    return problems


@transaction.atomic
def allocate_pool(*, pool: Pool, actor: User, now: datetime.datetime,
                  late_choices: dict[int, LateChoice] | None = None,
                  amounts: dict[int, Decimal] | None = None) -> list[Allocation]:
    """Allocate the pool by target-group counts (``helhed.pools.allocation.allocate``).

    With basis "all" every municipality's share is computed and the approved applicants get
    theirs; the shares of the others are the unclaimed amount (seed 002: money not claimed
    because municipalities did not apply goes out again). With basis "applicants" (a
    follow-up pool) the whole pool is split among the approved applicants."""
    pool = Pool.objects.select_for_update().get(pk=pool.pk)
    if pool.allocated_at:
        raise ValidationError("Puljen er allerede fordelt.")
    if not is_past_deadline(pool.deadline, now):
        raise ValidationError(f"Puljen kan først fordeles efter ansøgningsfristen {kortdato(pool.deadline)}.")
    statuses = Counter(pool.applications.values_list("status", flat=True))
    if statuses[ApplicationStatus.SUBMITTED]:
        raise ValidationError(f"{statuses[ApplicationStatus.SUBMITTED]} ansøgning(er) er ikke afgjort endnu.")
    approved = set(pool.applications.filter(status=ApplicationStatus.APPROVED).values_list("municipality_id",
                                                                                          flat=True))
    if not approved:
        raise ValidationError("Ingen ansøgninger er godkendt; der er ingen at fordele til.")
    late = selectors.late_tranches(pool, local_date(now))
    problems = late_choice_problems(tranches=late, choices=late_choices or {}, allocated_on=local_date(now))
    if problems:
        raise ValidationError({"late": problems})
    for t in late:
        c = late_choices[t.number]
        t.late_choice, t.late_reason = c.choice, c.reason.strip()
        if c.choice == "move":
            t.original_latest_on, t.latest_on = t.latest_on, c.new_latest_on
        t.save(update_fields=["late_choice", "late_reason", "original_latest_on", "latest_on"])
    counts = selectors.target_group_counts(pool.target_result)
    if pool.allocation_basis == AllocationBasis.APPLICANTS:
        counts = {code: n for code, n in counts.items() if code in approved}
    if pool.allocation_key == AllocationKey.SET:
        problems = set_amount_problems(pool=pool, approved=approved, amounts=amounts or {})
        if problems:
            raise ValidationError({"amounts": problems})
        amounts = {code: Decimal(0) for code in counts} | {code: amounts[code] for code in approved}
    else:
        # Equal shares go to the approved applicants with someone in the target group.
        weights = ({code: 1 for code in approved if counts.get(code)} if pool.allocation_key == AllocationKey.EQUAL
                   else counts)
        try:
            amounts = allocate(pool.total, weights, Decimal(pool.unit))
        except AllocationError as error:
            raise ValidationError(str(error)) from None
        amounts = {code: amounts.get(code, Decimal(0)) for code in counts} | amounts
    rows = [Allocation(pool=pool, municipality_id=code, count=counts[code], amount=amounts[code],
                       applied=code in approved)
            for code in sorted(counts) if counts[code] or code in approved]
    Allocation.objects.bulk_create(rows)
    pool.allocated_at = now
    pool.allocation_rule_version = RULE_VERSION
    pool.save(update_fields=["allocated_at", "allocation_rule_version"])
    return rows


# --- Tranches -------------------------------------------------------------------------


def evaluation_date_problem(*, today: datetime.date, now: datetime.datetime) -> str | None:
    """An evaluation may only look at a day that has come: a tranche proposed as forfeited
    "as of" a future day would be decided on facts that do not exist yet. ``today`` is
    compared with the real Danish date of ``now`` (DOMAIN.md: deadlines are Danish)."""
    real_today = local_date(now)
    if today > real_today:
        return (f"Raterne kan ikke vurderes pr. {kortdato(today)}, for datoen ligger efter i dag "
                f"({kortdato(real_today)}, dansk tid).")
    return None



def ordered_met_on(*, met_on: datetime.date | None, earlier: list[datetime.date | None]) -> datetime.date | None:
    """With tranches in order, a tranche counts as met only once every earlier tranche is
    met: on the latest of those days. Our reading of seed 002's "30 pct. ved start, 40 pct.
    når ..., og 30 pct. når ..." as a sequence; ``Pool.tranches_in_order`` turns it off."""
    if met_on is None or any(d is None for d in earlier):
        return None
    return max([met_on, *earlier])


def own_start_met_on(*, met_on: datetime.date | None, period_start: datetime.date) -> datetime.date | None:
    """A pool's milestone is measured from its own start: facts from before it (e.g. a
    parent pool's review) count as met on the pool's first day at the earliest, never before
    it began (issue 17: a follow-up pool was paid "met" before it started)."""
    return None if met_on is None else max(met_on, period_start)


def milestone_outcome(*, tranche: Tranche, pool: Pool, allocated_on: datetime.date, facts, denominator: str,
                      today: datetime.date) -> milestones.Outcome:
    if tranche.kind == MilestoneKind.AT_START:
        outcome = milestones.at_start(period_start=pool.period_start, allocated_on=allocated_on)
    else:
        cutoff = milestones.entered_by(latest_on=tranche.latest_on, today=today)
        if tranche.kind == MilestoneKind.ALL_RESOLVED:
            outcome = milestones.all_resolved(facts, today=today, entered_by=cutoff)
        else:
            outcome = milestones.consecutive_months(facts, start=pool.period_start, today=today,
                                                    threshold=tranche.threshold, months=tranche.months,
                                                    denominator=denominator, entered_by=cutoff)
    met_on = own_start_met_on(met_on=outcome.met_on, period_start=pool.period_start)
    if met_on != outcome.met_on:
        outcome.evidence = outcome.evidence | {"met_before_pool_start": outcome.met_on.isoformat()}
    outcome.met_on = met_on
    return outcome


@dataclass
class EvaluationSummary:
    to_pay: int = 0
    to_forfeit: int = 0
    waiting: int = 0
    already: int = 0
    no_target_group: int = 0
    notices: int = 0
    hearings: int = 0
    batch: DecisionBatch | None = None


def notice_due(*, met_on: datetime.date | None, latest_on: datetime.date, today: datetime.date,
               notice_days: int) -> bool:
    """A municipality is warned when a tranche's latest date is ``notice_days`` days away or
    less and its milestone is not met. **Our parameter** (``Pool.notice_days``, 30 by
    default; issue 17): good administration, so that a forfeiture never comes as a surprise."""
    return met_on is None and today >= latest_on - datetime.timedelta(days=notice_days) and today <= latest_on


def hearing_answer_by(*, sent_on: datetime.date, business_days: int) -> datetime.date:
    """The answer deadline of a hearing before a tranche is forfeited: ``business_days``
    Danish business days after it is sent (forvaltningsloven § 19: the party must be given
    time to comment; the length is **our parameter**, ``Pool.hearing_business_days``, 10 by
    default; business days skip Danish public holidays, ``helhed.core.calendar``)."""
    return add_business_days(sent_on, business_days)


def hearing_over(*, hearing: TrancheNotice, today: datetime.date) -> bool:
    """A forfeiture may be proposed once the municipality has answered, or its deadline has
    passed (forvaltningsloven § 19; § 21: the decision waits for the answer within the
    deadline)."""
    return bool(hearing.answer) or today > hearing.answer_by


def _send_notice(*, tranche: Tranche, code: int, kind: str, today: datetime.date, facts: dict,
                 answer_by: datetime.date | None = None) -> int:
    """Store a notice or hearing once; 1 when it was made now, 0 when it was there."""
    try:
        with transaction.atomic():
            _, created = TrancheNotice.objects.get_or_create(
                tranche=tranche, municipality_id=code, kind=kind,
                defaults={"sent_on": today, "answer_by": answer_by, "facts": facts})
    except IntegrityError:
        return 0
    return int(created)


@transaction.atomic
def answer_hearing(*, hearing: TrancheNotice, answer: str, actor: User | None, now: datetime.datetime) -> TrancheNotice:
    """The municipality's answer to a hearing, by its deadline (Danish time). Once only."""
    hearing = TrancheNotice.objects.select_for_update().get(pk=hearing.pk)
    if hearing.kind != NoticeKind.HEARING:
        raise ValidationError("Et varsel kan ikke besvares; kun en partshøring.")
    if hearing.answer:
        raise ValidationError("Partshøringen er allerede besvaret.")
    if is_past_deadline(hearing.answer_by, now):
        raise ValidationError(f"Svarfristen var {kortdato(hearing.answer_by)}.")
    if not answer.strip():
        raise ValidationError({"answer": "Skriv kommunens svar."})
    hearing.answer, hearing.answered_at, hearing.answered_by = answer.strip(), now, actor
    hearing.save(update_fields=["answer", "answered_at", "answered_by"])
    return hearing


def evaluate_pool(*, pool: Pool, today: datetime.date, now: datetime.datetime,
                  actor: User | None = None) -> EvaluationSummary:
    """Propose a decision for every open tranche of every approved applicant with a target
    group: pay when its milestone is met in time, forfeit when its latest date has passed
    (``milestones.decide``). The proposals form one ``DecisionBatch``; nothing is paid until a
    second officer approves it (``decide_batch``). A batch made by an officer (``actor``)
    counts as recommended by them; the scheduler's needs an officer's recommendation first.

    Refuses a ``today`` after the real Danish date of ``now``. Each (tranche, municipality)
    line is written with the allocation row locked, and a partial unique constraint allows
    one open line per tranche and municipality: two evaluations at once propose it once."""
    problem = evaluation_date_problem(today=today, now=now)
    if problem:
        raise ValidationError(problem)
    pool = Pool.objects.get(pk=pool.pk)  # the latest dates and parameters as stored now
    summary = EvaluationSummary()
    if not pool.allocated_at:
        return summary
    allocated_on = pool.allocated_at.astimezone(COPENHAGEN).date()
    tranches = list(pool.tranches.order_by("number"))
    percents = {t.number: t.percent for t in tranches}
    version = milestones.rule_version()
    batch = DecisionBatch.objects.create(
        pool=pool, as_of=today, proposed_at=now, proposed_by=actor, rule_version=version,
        status=BatchStatus.RECOMMENDED if actor else BatchStatus.PROPOSED,
        recommended_at=now if actor else None, recommended_by=actor)
    for allocation in pool.allocations.filter(applied=True).order_by("municipality_id"):
        if not selectors.payable_grant(allocation):
            summary.no_target_group += 1
            continue
        code = allocation.municipality_id
        known = dict(BatchLine.objects.filter(tranche__pool=pool, municipality_id=code, open=True)
                     .values_list("tranche_id", "met_on"))
        if len(known) == len(tranches):
            summary.already += len(tranches)
            continue
        programme = selectors.programme_for(pool, code)
        facts = measures.load_facts(programme, until=today) if programme else None
        denominator = programme.denominator if programme else "system"
        amounts = milestones.tranche_amounts(allocation.amount, percents, pool.unit)
        earlier: list[datetime.date | None] = []
        for tranche in tranches:
            if tranche.pk in known:
                summary.already += 1
                earlier.append(known[tranche.pk])
                continue
            outcome = milestone_outcome(tranche=tranche, pool=pool, allocated_on=allocated_on, facts=facts,
                                        denominator=denominator, today=today)
            own_met_on = outcome.met_on
            if pool.tranches_in_order and earlier:
                outcome.met_on = ordered_met_on(met_on=own_met_on, earlier=earlier)
                outcome.evidence = outcome.evidence | {
                    "own_milestone_met_on": own_met_on.isoformat() if own_met_on else None,
                    "earlier_tranches_met_on": [d.isoformat() if d else None for d in earlier]}
            earlier.append(own_met_on if own_met_on and own_met_on <= today else None)
            decision = milestones.decide(met_on=outcome.met_on, latest_on=tranche.latest_on, today=today)
            if amounts[tranche.number] <= 0:
                summary.waiting += 1
                continue
            if decision == milestones.Decision.WAIT:
                summary.waiting += 1
                if notice_due(met_on=outcome.met_on, latest_on=tranche.latest_on, today=today,
                              notice_days=pool.notice_days):
                    summary.notices += _send_notice(tranche=tranche, code=code, kind=NoticeKind.NOTICE, today=today,
                                                    facts=outcome.evidence)
                continue
            if decision == milestones.Decision.FORFEIT:
                hearing = TrancheNotice.objects.filter(tranche=tranche, municipality_id=code,
                                                       kind=NoticeKind.HEARING).first()
                if hearing is None:
                    summary.hearings += _send_notice(
                        tranche=tranche, code=code, kind=NoticeKind.HEARING, today=today, facts=outcome.evidence,
                        answer_by=hearing_answer_by(sent_on=today, business_days=pool.hearing_business_days))
                    summary.waiting += 1
                    continue
                if not hearing_over(hearing=hearing, today=today):
                    summary.waiting += 1
                    continue
                outcome.evidence = outcome.evidence | {
                    "hearing_sent_on": hearing.sent_on.isoformat(), "hearing_answer_by": hearing.answer_by.isoformat(),
                    "hearing_answer": hearing.answer or None}
            if _propose(batch=batch, allocation=allocation, tranche=tranche, decision=decision, outcome=outcome,
                        amount=amounts[tranche.number], version=version):
                if decision == milestones.Decision.PAY:
                    summary.to_pay += 1
                else:
                    summary.to_forfeit += 1
            else:
                summary.already += 1
    if not batch.lines.exists():
        batch.delete()
    else:
        summary.batch = batch
    return summary


def _propose(*, batch: DecisionBatch, allocation: Allocation, tranche: Tranche, decision: str, outcome,
             amount: Decimal, version: str) -> bool:
    """Store one proposed payout or forfeiture; False when another evaluation got there first."""
    evidence = outcome.evidence | {"rule": tranche.kind, "tranche": tranche.number,
                                   "latest_on": tranche.latest_on.isoformat(), "as_of": batch.as_of.isoformat()}
    if tranche.late_choice:
        evidence |= {"late_choice": tranche.late_choice, "late_reason": tranche.late_reason,
                     "original_latest_on": tranche.original_latest_on.isoformat()
                     if tranche.original_latest_on else None}
    try:
        with transaction.atomic():
            Allocation.objects.select_for_update().get(pk=allocation.pk)
            code = allocation.municipality_id
            if BatchLine.objects.filter(tranche=tranche, municipality_id=code, open=True).exists():
                return False
            BatchLine.objects.create(
                batch=batch, tranche=tranche, municipality_id=code, amount=amount, met_on=outcome.met_on,
                outcome=LineOutcome.PAY if decision == milestones.Decision.PAY else LineOutcome.FORFEIT,
                evidence=evidence, rule_version=version)
    except IntegrityError:
        return False
    return True


def batch_problem(*, batch: DecisionBatch, actor: User, action: str) -> str | None:
    """Two officers for every krone (DOMAIN.md, grant administration: "a payout order is
    approved by a second person"). A proposal is recommended by one pool officer and approved
    or rejected by another; the one who recommended it can never approve it. A decided
    proposal cannot change."""
    if batch.status in (BatchStatus.APPROVED, BatchStatus.REJECTED):
        return f"Forslaget er allerede {batch.get_status_display().lower()}."
    if action == "recommend":
        if batch.status != BatchStatus.PROPOSED:
            return "Forslaget er allerede indstillet."
        return None
    if batch.status != BatchStatus.RECOMMENDED:
        return "Forslaget skal indstilles af en puljeansvarlig, før det kan afgøres."
    if batch.recommended_by_id == actor.pk or batch.proposed_by_id == actor.pk:
        return "Du har selv indstillet forslaget. En anden puljeansvarlig skal godkende eller afvise det."
    return None


def recommend_batch(*, batch: DecisionBatch, actor: User, now: datetime.datetime) -> DecisionBatch:
    """A pool officer recommends a proposal the scheduler made, as the first of two officers."""
    problem = batch_problem(batch=batch, actor=actor, action="recommend")
    if problem:
        raise ValidationError(problem)
    if not DecisionBatch.objects.filter(pk=batch.pk, status=BatchStatus.PROPOSED).update(
            status=BatchStatus.RECOMMENDED, recommended_by=actor, recommended_at=now):
        raise ValidationError("Forslaget er allerede indstillet.")
    batch.refresh_from_db()
    return batch


def decide_batch(*, batch: DecisionBatch, approve: bool, reason: str, actor: User,
                 now: datetime.datetime) -> DecisionBatch:
    """Approve or reject a recommended proposal, with a reason. Approval makes the payout
    orders and forfeitures from the proposal's lines; rejection frees the tranches, so a
    later evaluation proposes them again. The status changes by one conditional update, so
    of two approvals at the same moment exactly one pays; the unique constraints on
    (tranche, municipality) back it."""
    problem = batch_problem(batch=batch, actor=actor, action="decide")
    if problem:
        raise ValidationError(problem)
    if not reason.strip():
        raise ValidationError({"reason": "Skriv en begrundelse for afgørelsen."})
    with transaction.atomic():
        changed = DecisionBatch.objects.filter(pk=batch.pk, status=BatchStatus.RECOMMENDED).exclude(
            recommended_by=actor).update(status=BatchStatus.APPROVED if approve else BatchStatus.REJECTED,
                                         decided_by=actor, decided_at=now, reason=reason.strip())
        if not changed:
            raise ValidationError("Forslaget er allerede afgjort.")
        lines = list(batch.lines.all())
        if approve:
            Payout.objects.bulk_create([
                Payout(tranche_id=line.tranche_id, municipality_id=line.municipality_id, amount=line.amount,
                       met_on=line.met_on, evidence=line.evidence, rule_version=line.rule_version,
                       created_at=now, created_by=actor, batch=batch)
                for line in lines if line.outcome == LineOutcome.PAY])
            Forfeiture.objects.bulk_create([
                Forfeiture(tranche_id=line.tranche_id, municipality_id=line.municipality_id, amount=line.amount,
                           met_on=line.met_on, evidence=line.evidence, rule_version=line.rule_version,
                           created_at=now, batch=batch)
                for line in lines if line.outcome == LineOutcome.FORFEIT])
        else:
            batch.lines.update(open=False)
    batch.refresh_from_db()
    return batch


# --- Redistribution -------------------------------------------------------------------



@transaction.atomic
def create_follow_up(*, parent: Pool, actor: User, name: str, legal_basis: str, total: Decimal,
                     period_start, period_end, opens_on, deadline, tranches: list[TrancheSpec],
                     target_result: TargetGroupResult | None = None, tranches_in_order: bool = True,
                     open_to: str = OpenTo.SHORT, eligible_codes: list[int] | None = None,
                     allocation_key: str = AllocationKey.COUNT, notice_days: int = 30,
                     hearing_business_days: int = 10) -> Pool:
    """A new pool from the parent's unclaimed money, with its own window, period and tranche
    schedule (its milestones are measured from its own start, ``own_start_met_on``),
    allocated among the municipalities that apply to it."""
    parent = Pool.objects.select_for_update().get(pk=parent.pk)
    available = selectors.available_for_follow_up(parent)
    if total > available:
        raise ValidationError({"total": f"Der er kun {kroner(available)} uforbrugt i puljen."})
    return create_pool(actor=actor, name=name, legal_basis=legal_basis, total=total, period_start=period_start,
                       period_end=period_end, opens_on=opens_on, deadline=deadline,
                       target_result=target_result or parent.target_result, tranches=tranches, unit=parent.unit,
                       allocation_basis=AllocationBasis.APPLICANTS, parent=parent,
                       tranches_in_order=tranches_in_order, open_to=open_to, eligible_codes=eligible_codes,
                       allocation_key=allocation_key, notice_days=notice_days,
                       hearing_business_days=hearing_business_days)


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

