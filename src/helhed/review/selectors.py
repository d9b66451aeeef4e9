"""Reads of the case review. Selectors that return a citizen's data take the acting user,
apply the rules and write the read to the audit log; the progress figures are aggregates
and are all a pool officer ever gets."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from uuid import UUID

import rules
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from helhed.core import charts
from helhed.core.audit import record_read
from helhed.core.formats import kortdato, maaned
from helhed.core.models import User
from helhed.core.roles import Role
from helhed.core.rules import permitted_or_404, scoped
from helhed.register.models import TargetGroupResult
from helhed.register.selectors import results_visible_to
from helhed.registry.models import Citizen
from helhed.review import measures
from helhed.review.models import (
    RESOLVED,
    Approval,
    BenefitPeriod,
    CaseEvent,
    CloseReason,
    Effort,
    EffortKind,
    Programme,
    RehabOutcome,
    ReviewCase,
    Status,
    Track,
)

OVERDUE_SHOWN = 50
MONTHS_SHOWN = 12

def month_label(month: datetime.date) -> str:
    """"december 2026" (``helhed.core.formats.maaned``)."""
    return maaned(month)


# --- Programmes -------------------------------------------------------------------------

def programmes_visible_to(user: User) -> QuerySet[Programme]:
    """Municipal staff: the programmes of their municipalities; pool officers: every
    programme (its figures only); everybody else: none."""
    qs = Programme.objects.select_related("municipality")
    if not rules.has_perm("review.view_programmes", user):
        return qs.none()
    if user.role == Role.POOL_OFFICER:
        return qs
    return scoped(qs, user)


def get_programme(*, user: User, programme_id: UUID) -> Programme:
    return permitted_or_404(programmes_visible_to(user).filter(pk=programme_id).first(),
                            user=user, perm="review.view_programme",
                            message="Programmet findes ikke eller er ikke tilgængeligt for dig.")


@dataclass
class ProgrammeRow:
    programme: Programme
    resolved: int
    visiteret: int

    @property
    def share_resolved(self) -> float:
        g = self.programme.gross_target_group
        return self.resolved / g if g else 0.0


def programme_rows(user: User) -> list[ProgrammeRow]:
    """Each visible programme with its resolved and visiteret counts, in one query."""
    qs = programmes_visible_to(user).annotate(
        n_resolved=Count("cases", filter=Q(cases__status__in=RESOLVED)),
        n_visiteret=Count("cases", filter=Q(cases__status=Status.VISITERET)),
    )
    return [ProgrammeRow(p, p.n_resolved, p.n_visiteret) for p in qs]


def results_for_new_programme(user: User) -> list[tuple[TargetGroupResult, int]]:
    """Register results with members in the manager's municipality and no programme yet."""
    if not rules.has_perm("review.create_programme", user):
        return []
    codes = sorted(user.municipalities.values_list("code", flat=True))
    if not codes:
        return []
    taken = set(Programme.objects.filter(municipality_id=codes[0]).values_list("result_id", flat=True))
    return [(r, r.count_for(codes[0])) for r in results_visible_to(user).order_by("-created_at")[:50]
            if r.pk not in taken and r.count_for(codes[0])]


@dataclass
class Share:
    label: str
    count: int
    of: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.of) if self.of else 0


@dataclass
class MonthShare:
    month: datetime.date
    label: str
    numerator: int
    denominator: int
    met: bool | None

    @property
    def percent(self) -> int | None:
        return round(100 * self.numerator / self.denominator) if self.denominator else None


@dataclass
class Workload:
    name: str
    open_cases: int
    overdue: int
    resolved: int


@dataclass
class Progress:
    """The programme at a glance (seed 002: municipalities "modtager løbende information om
    fremdrift og resultater")."""

    programme: Programme
    today: datetime.date
    gross: int
    by_status: list[Share]
    afklaret: Share  # afklaret or further (visiteret)
    visiteret: Share
    resolved: Share  # visiteret or closed: the second tranche's measure
    all_resolved: measures.Measure
    tracks: list[Share]
    rehab_outcomes: list[Share]
    close_reasons: list[Share]
    months: list[MonthShare]
    overdue_count: int
    unassigned: int
    unlinked: int
    workload: list[Workload] = field(default_factory=list)  # municipal staff only
    overdue: list[ReviewCase] = field(default_factory=list)  # municipal staff only

    @property
    def month_bars(self) -> list[charts.Bar]:
        """The monthly share as bars on a 0-100 % scale, with the third tranche's goal."""
        return charts.shares([(m.label, m.percent, "ingen modtagere" if m.percent is None else f"{m.percent} %")
                              for m in self.months], target=100 * measures.EFFORT_TARGET)


def progress(*, user: User, programme: Programme, today: datetime.date, channel: str) -> Progress:
    """The progress figures of a programme, in a number of queries that does not depend on
    its size. Municipal staff also get the caseworkers' workload and the overdue cases (the
    citizens named there are recorded as read); a pool officer gets the figures only."""
    if not rules.has_perm("review.view_programme", user, programme):
        raise Http404("Programmet findes ikke eller er ikke tilgængeligt for dig.")
    cases = programme.cases.all()
    gross = programme.gross_target_group
    open_statuses = [s for s in Status.values if s not in RESOLVED]
    overdue_q = Q(status__in=open_statuses) if today > programme.due_on else Q(pk=None)
    status_counts = Counter(dict(cases.values_list("status").annotate(n=Count("id")).values_list("status", "n")))
    agg = cases.aggregate(
        afklaret=Count("id", filter=Q(status__in=[Status.AFKLARET, Status.VISITERET])),
        unassigned=Count("id", filter=Q(caseworker__isnull=True) & ~Q(status__in=RESOLVED)),
        unlinked=Count("id", filter=Q(citizen__isnull=True)),
        overdue=Count("id", filter=overdue_q),
    )
    decisions = list(cases.filter(status=Status.VISITERET).values_list("track", "rehab_outcome"))
    track_counts = Counter(t for t, _ in decisions)
    rehab_counts = Counter(r for t, r in decisions if t == Track.REHABILITATION)
    closed = Counter(cases.filter(status=Status.CLOSED).values_list("close_reason", flat=True))
    facts = measures.load_facts(programme)
    months = []
    for month in measures.last_months(today, MONTHS_SHOWN):
        m = measures.effort_share_facts(facts, month=month, denominator=programme.denominator)
        months.append(MonthShare(month, month_label(month), m.numerator, m.denominator, m.met))
    visiteret = status_counts.get(Status.VISITERET, 0)
    result = Progress(
        programme=programme, today=today, gross=gross,
        by_status=[Share(s.label, status_counts.get(s.value, 0), gross) for s in Status],
        afklaret=Share("Afklaret", agg["afklaret"], gross),
        visiteret=Share("Visiteret", visiteret, gross),
        resolved=Share("Afklaret og visiteret eller lukket", visiteret + status_counts.get(Status.CLOSED, 0), gross),
        all_resolved=measures.resolved_facts(facts, on=today),
        tracks=[Share(t.label, track_counts.get(t.value, 0), visiteret) for t in Track],
        rehab_outcomes=[Share(o.label, rehab_counts.get(o.value, 0), track_counts.get(Track.REHABILITATION, 0))
                        for o in RehabOutcome],
        close_reasons=[Share(r.label, closed.get(r.value, 0), status_counts.get(Status.CLOSED, 0))
                       for r in CloseReason],
        months=months, overdue_count=agg["overdue"], unassigned=agg["unassigned"], unlinked=agg["unlinked"],
    )
    if rules.has_perm("review.view_cases", user, programme):
        rows = (cases.filter(caseworker__isnull=False).values("caseworker__first_name", "caseworker__last_name",
                                                              "caseworker__username")
                .annotate(open=Count("id", filter=~Q(status__in=RESOLVED)), overdue=Count("id", filter=overdue_q),
                          resolved=Count("id", filter=Q(status__in=RESOLVED)))
                .order_by("caseworker__username"))
        result.workload = [
            Workload(f"{r['caseworker__first_name']} {r['caseworker__last_name']}".strip() or r["caseworker__username"],
                     r["open"], r["overdue"], r["resolved"])
            for r in rows
        ]
        result.overdue = list(cases.filter(overdue_q).select_related("citizen", "caseworker")
                              .order_by("number")[:OVERDUE_SHOWN])
        record_read(actor=user, citizen_uuids=[c.citizen_id for c in result.overdue if c.citizen_id],
                    what="Navn og status i gennemgangen (overskredne sager)",
                    purpose="Gennemgang: fremdrift i kommunens program", channel=channel)
    return result


# --- Cases ------------------------------------------------------------------------------

def cases_visible_to(user: User) -> QuerySet[ReviewCase]:
    qs = ReviewCase.objects.select_related("programme", "citizen", "caseworker")
    if not rules.has_perm("review.view_programmes", user) or user.role == Role.POOL_OFFICER:
        return qs.none()
    return scoped(qs, user, "programme__municipality_id")


def case_list(*, user: User, programme: Programme, channel: str, status: str = "", mine: bool = False
              ) -> list[ReviewCase]:
    """The programme's cases (filtered by status, or the user's own); the citizens listed
    are recorded as read."""
    if not rules.has_perm("review.view_cases", user, programme):
        raise Http404("Programmet findes ikke eller er ikke tilgængeligt for dig.")
    qs = cases_visible_to(user).filter(programme=programme).order_by("number")
    if status in Status.values:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(caseworker=user)
    found = list(qs)
    record_read(actor=user, citizen_uuids=[c.citizen_id for c in found if c.citizen_id],
                what="Navn og status i gennemgangen (liste over sager)",
                purpose="Gennemgang: kommunens sager", channel=channel)
    return found


@dataclass
class CaseDetail:
    case: ReviewCase
    efforts: list
    benefit_periods: list
    events: list[CaseEvent]
    caseworkers: list[User]
    plain: list[str]
    register_import: object = None  # the newest imported extract of the programme
    register_periods: list = field(default_factory=list)  # the case's periods in it
    pending: list = field(default_factory=list)  # the case's facts waiting for a colleague


def case_detail(*, user: User, case_id: UUID, purpose: str, channel: str) -> CaseDetail:
    """One review case with its efforts, benefit periods and history (else 404)."""
    case = permitted_or_404(cases_visible_to(user).filter(pk=case_id).first(),
                            user=user, perm="review.work_case",
                            message="Sagen findes ikke eller er ikke tilgængelig for dig.")
    caseworkers = []
    if rules.has_perm("review.assign_cases", user, case.programme):
        caseworkers = assignable_caseworkers(case.programme)
    latest = case.programme.register_imports.order_by("-extract_on", "-imported_at").first()
    detail = CaseDetail(case=case, efforts=list(case.efforts.select_related("decision")),
                        benefit_periods=list(case.benefit_periods.select_related("decision")),
                        events=list(case.events.select_related("decision")[:100]), caseworkers=caseworkers,
                        plain=decision_in_plain_danish(case), register_import=latest,
                        register_periods=list(latest.periods.filter(case=case)) if latest else [])
    detail.pending = [f for f in (*detail.events, *detail.efforts, *detail.benefit_periods)
                      if f.is_pending]
    if case.citizen_id:
        record_read(actor=user, citizen_uuids=[case.citizen_id],
                    what="Gennemgang: fritagelse, helbred, skånehensyn, egen vurdering, visitation og indsatser",
                    purpose=purpose, channel=channel)
    return detail


def assignable_caseworkers(programme: Programme) -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=[Role.CASEWORKER, Role.JOBCENTRE_MANAGER],
                                    municipalities=programme.municipality_id).order_by("username"))


def decision_in_plain_danish(case: ReviewCase) -> list[str]:
    """The review's decisions as the citizen should read them: short sentences, plain words."""
    lines = []
    if case.status == Status.NOT_STARTED:
        lines.append("Vi skal se på din sag igen. Vi har ikke begyndt endnu.")
    elif case.status == Status.IN_REVIEW:
        lines.append("Vi er ved at se på din sag igen. Vi taler med dig, før vi beslutter noget.")
    elif case.status == Status.CLOSED:
        lines.append(f"Vi har lukket gennemgangen af din sag. Årsag: {case.get_close_reason_display().lower()}.")
    if case.status in (Status.AFKLARET, Status.VISITERET):
        lines.append("Vi har set på din sag igen og talt om din situation.")
    if case.status == Status.VISITERET:
        track = case.track
        if track == Track.VIRKSOMHEDSRETTET:
            lines.append(f"Du skal have et tilbud på en arbejdsplads: {case.get_effort_kind_display().lower()}.")
        elif track == Track.OTHER_ACTIVE:
            lines.append(f"Du skal have hjælp til at komme videre: {case.get_effort_kind_display().lower()}.")
        elif track == Track.REHABILITATION:
            lines.append("Din sag skal behandles i rehabiliteringsteamet. Teamet ser på hele din situation.")
            if case.rehab_outcome:
                lines.append(f"Teamet anbefaler: {case.get_rehab_outcome_display().lower()}.")
        elif track == Track.JOBPARAT:
            lines.append("Vi vurderer, at du kan tage et almindeligt job inden for tre måneder. Du er nu jobparat.")
        if case.skaanehensyn:
            lines.append("Vi tager hensyn til dit helbred, sådan som vi har aftalt med dig.")
    return lines


def overview_section(*, user: User, citizen: Citizen, today: datetime.date):
    """The review section of the whole-citizen overview and of the citizen's own page. Staff
    see the cases they may work; the citizen sees their own in plain Danish. Writes no audit
    record (the overview does, naming this section)."""
    if not rules.has_perm("registry.view_citizen", user, citizen):
        return None
    cases = list(citizen.review_cases.select_related("programme", "caseworker").order_by("-programme__started_on"))
    if user.role != Role.CITIZEN:
        cases = [c for c in cases if rules.has_perm("review.work_case", user, c)]
    if not cases:
        return None
    efforts = {c.pk: [] for c in cases}
    for e in Effort.objects.filter(case__in=cases).order_by("-starts_on"):
        efforts[e.case_id].append(e)
    return {
        "is_citizen": user.role == Role.CITIZEN,
        "cases": [{"case": c, "plain": decision_in_plain_danish(c), "efforts": efforts[c.pk]} for c in cases],
        "today": today,
        "effort_labels": dict(EffortKind.choices),
    }


@dataclass
class PendingFact:
    """A fact waiting for a colleague's approval, as the approvals page lists it."""

    kind: str  # "event", "effort" or "period" (``services.FACT_MODELS``)
    fact: object
    case: ReviewCase
    what: str
    effective_on: datetime.date
    entered_at: datetime.datetime
    entered_by: str
    reason: str
    can_decide: bool


def pending_facts(*, user: User, programme: Programme, channel: str) -> list[PendingFact]:
    """Every fact of the programme waiting for approval (backdated facts and typed register
    corrections), oldest entry first, in three queries. Each citizen shown is audited."""
    if not rules.has_perm("review.view_cases", user, programme):
        raise Http404("Programmet findes ikke eller er ikke tilgængeligt for dig.")
    rows = []
    waiting = {"case__programme": programme, "approval": Approval.PENDING, "decision__isnull": True}
    for e in CaseEvent.objects.filter(**waiting).select_related("case__citizen"):
        rows.append(PendingFact("event", e, e.case, e.text, e.on, e.at, e.actor_name, e.entered_reason,
                                e.actor_id != user.pk))
    for e in Effort.objects.filter(**waiting).select_related(
            "case__citizen", "created_by"):
        rows.append(PendingFact("effort", e, e.case, f"Indsats: {e.get_kind_display()}"
                                f"{', ' + e.employer if e.employer else ''}", e.starts_on, e.created_at,
                                _user_name(e.created_by), e.entered_reason, e.created_by_id != user.pk))
    for b in BenefitPeriod.objects.filter(**waiting).select_related(
            "case__citizen", "created_by"):
        end = f"{kortdato(b.ends_on)}" if b.ends_on else "løber endnu"
        rows.append(PendingFact("period", b, b.case, f"Rettelse af registeret: {b.get_ydelse_display()} til {end}",
                                b.starts_on, b.created_at, _user_name(b.created_by), b.entered_reason,
                                b.created_by_id != user.pk))
    rows.sort(key=lambda r: (r.entered_at, r.case.number))
    citizens = {r.case.citizen_id for r in rows if r.case.citizen_id}
    if citizens:
        record_read(actor=user, citizen_uuids=citizens, what="Oplysninger, der venter på godkendelse",
                    purpose="Gennemgang: godkendelse af oplysninger", channel=channel)
    return rows


def _user_name(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else "systemet"
