"""Every read of the grant pools: which pools a user sees, a municipality's dashboard (the
same figures on screen, in the PDF, in the monthly report and in the API), and the
ministry's overview of all municipalities. Only aggregate figures: no citizen's name or CPR
is read here, so nothing is audited; a municipality's staff see their own municipality only
(``helhed.pools.rules``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

import rules
from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404
from django.utils import timezone

from helhed.core import charts
from helhed.core.calendar import month_bounds
from helhed.core.formats import kroner
from helhed.core.models import Municipality, User
from helhed.core.rules import own_municipalities
from helhed.pools import milestones
from helhed.pools.models import Allocation, Application, Forfeiture, OpenTo, Payout, Pool, Tranche
from helhed.pools.suppression import HIDDEN, small_count_threshold, suppress_small_counts
from helhed.register.kommuner import kommunekoder
from helhed.register.models import TargetGroupMember, TargetGroupResult
from helhed.review import measures
from helhed.review.models import Programme
from helhed.review.selectors import month_label


def target_group_counts(result: TargetGroupResult) -> dict[int, int]:
    """Members per municipality in the pool's register result, all 98 (zeros included)."""
    counts = dict.fromkeys(kommunekoder(), 0)
    for code, n in (TargetGroupMember.objects.filter(result=result).values_list("municipality_id")
                    .annotate(n=Count("id")).values_list("municipality_id", "n")):
        counts[code] = n
    return counts


def programme_for(pool: Pool, municipality_id: int) -> Programme | None:
    return Programme.objects.filter(result_id=pool.target_result_id, municipality_id=municipality_id).first()


def payable_grant(allocation: Allocation) -> bool:
    """A municipality with nobody in the target group has no grant to pay or forfeit: it is
    "ingen i målgruppen", never a 0 kr. payout or a forfeited tranche. Seed 002 allocates
    "efter antallet af langvarige modtagere", so a count of 0 is a share of 0."""
    return allocation.applied and allocation.count > 0 and allocation.amount > 0


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

__all__ = ["month_label"]
MONTHS_SHOWN = 12


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(100 * numerator) / denominator).quantize(Decimal("0.1"))


def percent_text(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:.1f}".replace(".", ",") + " %"


# --- Pools ----------------------------------------------------------------------------

def pools_visible_to(user: User) -> QuerySet[Pool]:
    if not rules.has_perm("pools.view_pools", user):
        return Pool.objects.none()
    return Pool.objects.select_related("target_result", "parent").order_by("-period_start", "name")


def short_of_full_share(parent: Pool) -> set[int]:
    """The municipalities that did not get their full share of ``parent``: those with a share
    (someone in the target group) that did not apply or were rejected, and approved applicants
    that lost a tranche. Seed 002: money not claimed "fordeles efterfølgende via en ny pulje";
    who gets it is the officer's choice (issue 17; the ministry once chose by economic
    criteria), and this is the default for a follow-up pool."""
    lost = set(Forfeiture.objects.filter(tranche__pool=parent).values_list("municipality_id", flat=True))
    return {a.municipality_id for a in parent.allocations.all()
            if (not a.applied and a.count > 0) or a.municipality_id in lost}


def eligible_municipalities(pool: Pool) -> set[int] | None:
    """The municipalities that may apply to ``pool``; None: all of them."""
    if pool.open_to == OpenTo.LIST:
        return {int(c) for c in pool.eligible_codes}
    if pool.open_to == OpenTo.SHORT and pool.parent_id:
        return short_of_full_share(pool.parent)
    return None


def late_tranches(pool: Pool, allocated_on: datetime.date) -> list[Tranche]:
    """Tranches whose latest date is before the allocation day. Their milestone cannot be met
    in time through any fault of the municipality (the first tranche is met on the allocation
    day at the earliest), so the officer must decide: move the date, or let the tranche be
    forfeited, with a reason. Issue 17: never silently; forvaltningsloven §§ 22-24 (reasons)."""
    return [t for t in pool.tranches.order_by("number") if t.latest_on < allocated_on]


def pools_with_totals(user: User) -> QuerySet[Pool]:
    """The visible pools with their tranches and the sums ``unclaimed`` needs
    (``granted_total``, ``forfeited_total``), in two queries however many pools."""
    money = DecimalField(max_digits=14, decimal_places=2)
    granted = (Allocation.objects.filter(pool=OuterRef("pk"), applied=True).order_by()
               .values("pool").annotate(s=Sum("amount")).values("s"))
    forfeited = (Forfeiture.objects.filter(tranche__pool=OuterRef("pk")).order_by()
                 .values("tranche__pool").annotate(s=Sum("amount")).values("s"))
    return pools_visible_to(user).prefetch_related("tranches").annotate(
        granted_total=Subquery(granted, output_field=money), forfeited_total=Subquery(forfeited, output_field=money))


def get_pool(*, user: User, pool_id: UUID) -> Pool:
    try:
        return pools_visible_to(user).get(pk=pool_id)
    except Pool.DoesNotExist:
        raise Http404("Puljen findes ikke.") from None


def own_municipality(user: User) -> int | None:
    """The municipality a municipal user acts for (the lowest code of their scope)."""
    scope = own_municipalities(user)
    return min(scope) if scope else None


def applications(*, user: User, pool: Pool) -> list[Application]:
    """All applications for a pool officer; a municipality's own only for its staff."""
    qs = pool.applications.select_related("municipality").prefetch_related("staffing")
    if not rules.has_perm("pools.manage_pools", user):
        qs = qs.filter(municipality_id__in=own_municipalities(user))
    return list(qs)


def get_municipality(*, user: User, pool: Pool, code: int) -> Municipality:
    if not rules.has_perm("pools.view_municipality", user, code):
        raise Http404("Kommunen findes ikke eller er ikke tilgængelig for dig.")
    try:
        return Municipality.objects.get(pk=code)
    except Municipality.DoesNotExist:
        raise Http404("Kommunen findes ikke.") from None


# --- Dashboard ------------------------------------------------------------------------

@dataclass
class MonthFigure:
    month: str  # ÅÅÅÅ-MM
    label: str
    recipients: int
    in_effort: int
    percent: Decimal | None
    hidden: bool = False  # small counts: the counts and the share are not shown

    @property
    def percent_text(self) -> str:
        return HIDDEN if self.hidden else percent_text(self.percent)

    @property
    def shown_percent(self) -> Decimal | None:
        return None if self.hidden else self.percent

    @property
    def recipients_text(self) -> str:
        return HIDDEN if self.hidden else str(self.recipients)

    @property
    def in_effort_text(self) -> str:
        return HIDDEN if self.hidden else str(self.in_effort)

    def as_json(self) -> dict:
        return {"month": self.month, "recipients": None if self.hidden else self.recipients,
                "in_virksomhedsrettet_indsats": None if self.hidden else self.in_effort,
                "percent": _s(self.shown_percent)}


def suppress_month(m: MonthFigure) -> MonthFigure:
    """Hide a month's counts and share when a count (or its complement) is below the threshold."""
    values = {"in": m.in_effort, "out": m.recipients - m.in_effort, "all": m.recipients}
    m.hidden = bool(suppress_small_counts(values, [(["in", "out"], "all")], threshold=small_count_threshold()))
    return m


@dataclass
class TrancheFigure:
    number: int
    percent: Decimal
    description: str
    latest_on: datetime.date
    amount: Decimal
    status: str  # udbetalt, bortfaldet, afventer
    met_on: datetime.date | None

    @property
    def amount_text(self) -> str:
        return kroner(self.amount)


@dataclass
class ProgressFigures:
    """One municipality's review figures for a pool (also summed for the whole country).
    ``hidden`` names the figures suppressed as small counts (``suppress_progress``)."""

    target_group: int = 0
    gross: int = 0
    resolved: int = 0
    last_month: MonthFigure | None = None
    hidden: set = field(default_factory=set)
    has_programme: bool = True

    @property
    def resolved_percent(self) -> Decimal | None:
        if "resolved" in self.hidden:
            return None
        return percent(self.resolved, self.gross)

    @property
    def resolved_text(self) -> str:
        return HIDDEN if "resolved" in self.hidden else percent_text(self.resolved_percent)

    @property
    def target_group_text(self) -> str:
        return HIDDEN if "target_group" in self.hidden else str(self.target_group)

    @property
    def effort_text(self) -> str:
        return self.last_month.percent_text if self.last_month else "–"

    def shown(self, name: str) -> int | None:
        return None if name in self.hidden else getattr(self, name)


def suppress_progress(rows: dict[int, ProgressFigures], national: ProgressFigures) -> None:
    """Hide every small count of the municipalities and the whole country, in place, so that
    none can be read or derived: the target group, resolved and not resolved (adding up to the
    gross target group), in effort and not in effort last month (adding up to the recipients),
    each column adding up to the national figure (``suppression.suppress_small_counts``, the
    rule and its source). A figure hidden on the overview is hidden on every dashboard too."""
    values: dict = {}
    keys = ("t", "res", "nres", "gross", "eff", "neff", "rec")
    every = [*sorted(rows), "T"]
    for code in every:
        f = rows[code] if code != "T" else national
        lm = f.last_month
        rec, eff = (lm.recipients, lm.in_effort) if lm else (0, 0)
        for key, v in zip(keys, (f.target_group, f.resolved, f.gross - f.resolved, f.gross, eff, rec - eff, rec),
                          strict=True):
            values[(key, code)] = v
    lines = [([(key, code) for code in every[:-1]], (key, "T")) for key in keys]
    for code in every:
        lines += [([("res", code), ("nres", code)], ("gross", code)), ([("eff", code), ("neff", code)], ("rec", code))]
    hidden = suppress_small_counts(values, lines, threshold=small_count_threshold())
    for code in every:
        f = rows[code] if code != "T" else national
        f.hidden = set()
        if ("t", code) in hidden:
            f.hidden.add("target_group")
        if hidden & {("res", code), ("nres", code), ("gross", code)}:
            f.hidden |= {"resolved", "gross"}
        if f.last_month and hidden & {("eff", code), ("neff", code), ("rec", code)}:
            f.last_month.hidden = True


@dataclass
class Dashboard:
    pool: Pool
    municipality: Municipality
    today: datetime.date
    allocation: Allocation | None
    has_programme: bool
    figures: ProgressFigures
    months: list[MonthFigure]
    tranches: list[TrancheFigure]
    national: ProgressFigures
    threshold: Decimal | None = None
    paid_total: Decimal = Decimal(0)
    extra: dict = field(default_factory=dict)
    job_means_budget: Decimal | None = None  # the application's budget line for personlige jobmidler
    job_means_citizens: int = 0
    job_means_hidden: bool = False

    @property
    def job_means_budget_text(self) -> str:
        return kroner(self.job_means_budget) if self.job_means_budget is not None else "Ikke i ansøgningen"

    @property
    def job_means_citizens_text(self) -> str:
        return HIDDEN if self.job_means_hidden else str(self.job_means_citizens)

    @property
    def allocation_text(self) -> str:
        if self.allocation and self.allocation.applied and not self.allocation.count:
            return "Ingen i målgruppen"
        return kroner(self.allocation.amount) if self.allocation and self.allocation.applied else "Intet tilskud"

    @property
    def paid_text(self) -> str:
        return kroner(self.paid_total)

    @property
    def month_bars(self) -> list[charts.Bar]:
        """The monthly share as bars on a 0-100 % scale, with the effort tranche's threshold.
        A hidden month gets no bar."""
        return charts.shares(
            [(m.label, m.shown_percent,
              "ingen modtagere" if m.percent is None and not m.hidden else m.percent_text) for m in self.months],
            target=self.threshold)

    def as_json(self) -> dict:
        return {
            "pool": str(self.pool.pk), "municipality": self.municipality.code, "today": self.today.isoformat(),
            "target_group": self.figures.shown("target_group"), "gross_target_group": self.figures.shown("gross"),
            "resolved": self.figures.shown("resolved"), "resolved_percent": _s(self.figures.resolved_percent),
            "allocation": _s(self.allocation.amount if self.allocation and self.allocation.applied else None),
            "paid": str(self.paid_total),
            "personlige_jobmidler": {"budget": _s(self.job_means_budget),
                                     "citizens": None if self.job_means_hidden else self.job_means_citizens},
            "months": [m.as_json() for m in self.months],
            "tranches": [{"number": t.number, "percent": str(t.percent), "milestone": t.description,
                          "latest_on": t.latest_on.isoformat(), "amount": str(t.amount), "status": t.status,
                          "met_on": t.met_on.isoformat() if t.met_on else None} for t in self.tranches],
            "national": {"target_group": self.national.shown("target_group"),
                         "gross_target_group": self.national.shown("gross"),
                         "resolved": self.national.shown("resolved"),
                         "resolved_percent": _s(self.national.resolved_percent),
                         "last_month": self.national.last_month.as_json() if self.national.last_month else None},
        }


def _s(value) -> str | None:
    return None if value is None else str(value)


def _months(pool: Pool, last: datetime.date) -> list[datetime.date]:
    """The completed months up to ``last`` (``_last_complete_month``), from the pool's period
    start: never a month still going on, whose figures would change."""
    start = pool.period_start.replace(day=1)
    return [m for m in measures.last_months(last, MONTHS_SHOWN) if m >= start]


def _last_complete_month(today: datetime.date, *, end_of_day: bool = False) -> datetime.date:
    """The first day of the last month that has ended: before ``today``'s month, or
    ``today``'s own when the figures are as of the end of its last day."""
    if end_of_day and today == month_bounds(today)[1]:
        return today.replace(day=1)
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _progress(pool: Pool, code: int, count: int, today: datetime.date, months: list[datetime.date],
              last: datetime.date) -> tuple[ProgressFigures, list[MonthFigure], bool]:
    programme = programme_for(pool, code)
    facts = measures.load_facts(programme) if programme is not None else None
    return _figures(pool, programme, facts, count, today, months, last)


def _figures(pool: Pool, programme, facts, count: int, today: datetime.date, months: list[datetime.date],
             last: datetime.date) -> tuple[ProgressFigures, list[MonthFigure], bool]:
    figures = ProgressFigures(target_group=count)
    if programme is None:
        return figures, [MonthFigure(m.isoformat()[:7], month_label(m), 0, 0, None) for m in months], False
    resolved = measures.resolved_facts(facts, on=today)
    figures.gross, figures.resolved = resolved.denominator, resolved.numerator
    shown = []
    for m in months:
        share = measures.effort_share_facts(facts, month=m, denominator=programme.denominator)
        shown.append(suppress_month(MonthFigure(m.isoformat()[:7], month_label(m), share.denominator,
                                                share.numerator, percent(share.numerator, share.denominator))))
    if last >= pool.period_start.replace(day=1):
        share = measures.effort_share_facts(facts, month=last, denominator=programme.denominator)
        figures.last_month = MonthFigure(last.isoformat()[:7], month_label(last), share.denominator, share.numerator,
                                         percent(share.numerator, share.denominator))
    return figures, shown, True


def municipality_rows(pool: Pool, today: datetime.date, last: datetime.date | None = None
                      ) -> dict[int, ProgressFigures]:
    """Every municipality's progress figures: each with members in the pool's target group,
    and each allocated one, in a fixed number of queries however many municipalities and
    cases: the programmes at once (the first in the programmes' order per municipality, as
    ``programme_for``), then their facts. A municipality without a review
    programme counts with its whole target group, none of it resolved or in effort
    (``without_programme``)."""
    counts = {code: n for code, n in target_group_counts(pool.target_result).items() if n}
    counts |= {a.municipality_id: a.count for a in pool.allocations.all()}
    programmes: dict[int, Programme] = {}
    for p in Programme.objects.filter(result_id=pool.target_result_id):
        programmes.setdefault(p.municipality_id, p)
    facts = measures.load_facts_of([p for code, p in programmes.items() if code in counts])
    last = last or _last_complete_month(today)
    rows = {}
    for code, count in sorted(counts.items()):
        programme = programmes.get(code)
        if programme is None:
            rows[code] = without_programme(count, last)
        else:
            rows[code] = _figures(pool, programme, facts[programme.pk], count, today, [], last)[0]
    return rows


def without_programme(count: int, last: datetime.date) -> ProgressFigures:
    """A municipality that has not started reviewing its cases, in the national figures.

    Source: issue 17 ("the national view aggregates every municipality"); seed 002 (the whole
    gross target group must be afklaret og visiteret). Our reading: its whole target group
    counts in the gross target group and as recipients, none of them resolved or in a
    virksomhedsrettet indsats, so a country where few have started is not shown as far along."""
    return ProgressFigures(target_group=count, gross=count, resolved=0, has_programme=False,
                           last_month=MonthFigure(last.isoformat()[:7], month_label(last), count, 0,
                                                  percent(0, count)))


def national_figures(rows: dict[int, ProgressFigures], today: datetime.date, last: datetime.date | None = None
                     ) -> ProgressFigures:
    total = ProgressFigures()
    recipients = in_effort = 0
    for r in rows.values():
        total.target_group += r.target_group
        total.gross += r.gross
        total.resolved += r.resolved
        if r.last_month:
            recipients += r.last_month.recipients
            in_effort += r.last_month.in_effort
    last = last or _last_complete_month(today)
    total.last_month = MonthFigure(last.isoformat()[:7], month_label(last), recipients, in_effort,
                                   percent(in_effort, recipients))
    suppress_progress(rows, total)
    return total


def tranche_figures(pool: Pool, allocation: Allocation | None, *, as_of: datetime.date | None = None
                    ) -> list[TrancheFigure]:
    """Each tranche's amount and status; with ``as_of``, as it stood at the end of that day
    (a monthly report does not show a payout made after its month)."""
    tranches = list(pool.tranches.all())
    if allocation is None or not allocation.applied:
        amounts = dict.fromkeys((t.number for t in tranches), Decimal(0))
        paid, lost = {}, {}
    else:
        amounts = milestones.tranche_amounts(allocation.amount, {t.number: t.percent for t in tranches}, pool.unit)
        code = allocation.municipality_id
        paid = {p.tranche_id: p for p in Payout.objects.filter(tranche__pool=pool, municipality_id=code)
                if as_of is None or timezone.localdate(p.created_at) <= as_of}
        lost = {f.tranche_id: f for f in Forfeiture.objects.filter(tranche__pool=pool, municipality_id=code)
                if as_of is None or timezone.localdate(f.created_at) <= as_of}
    result = []
    for t in tranches:
        if allocation is not None and allocation.applied and not payable_grant(allocation):
            status, met_on = "ingen i målgruppen", None
        elif t.pk in paid:
            status, met_on = "udbetalt", paid[t.pk].met_on
        elif t.pk in lost:
            status, met_on = "bortfaldet", lost[t.pk].met_on
        else:
            status, met_on = "afventer", None
        result.append(TrancheFigure(t.number, t.percent, t.description, t.latest_on, amounts[t.number], status,
                                    met_on))
    return result


def dashboard_figures(*, pool: Pool, municipality_id: int, today: datetime.date, as_of_day: bool = False
                      ) -> Dashboard:
    """The figures of a municipality's dashboard; callers check access first. With
    ``as_of_day`` the payouts and forfeitures are those made by the end of ``today`` (a
    monthly report computed with the data as of its month's end)."""
    municipality = Municipality.objects.get(pk=municipality_id)
    allocation = pool.allocations.filter(municipality_id=municipality_id).first()
    count = target_group_counts(pool.target_result).get(municipality_id, 0) if allocation is None else allocation.count
    last = _last_complete_month(today, end_of_day=as_of_day)
    figures, months, has_programme = _progress(pool, municipality_id, count, today, _months(pool, last), last)
    rows = municipality_rows(pool, today, last)
    national = national_figures(rows, today, last)
    if municipality_id in rows:
        figures.hidden = rows[municipality_id].hidden
        if figures.last_month and rows[municipality_id].last_month:
            figures.last_month.hidden = rows[municipality_id].last_month.hidden
    else:
        figures = suppress_alone(figures)
    tranches = tranche_figures(pool, allocation, as_of=today if as_of_day else None)
    effort = next((t for t in pool.tranches.all() if t.threshold is not None), None)
    budget, citizens = personal_job_means(pool, municipality_id, today)
    hidden = bool(suppress_small_counts({"with": citizens, "without": figures.gross - citizens, "all": figures.gross},
                                        [(["with", "without"], "all")], threshold=small_count_threshold()))
    return Dashboard(
        pool=pool, municipality=municipality, today=today, allocation=allocation, has_programme=has_programme,
        figures=figures, months=months, tranches=tranches, national=national,
        threshold=effort.threshold if effort else None,
        paid_total=sum((t.amount for t in tranches if t.status == "udbetalt"), Decimal(0)),
        job_means_budget=budget, job_means_citizens=citizens, job_means_hidden=hidden,
    )


def personal_job_means(pool: Pool, municipality_id: int, today: datetime.date) -> tuple[Decimal | None, int]:
    """The application's budget line for personlige jobmidler (seed 002: "en
    virksomhedsrettet indsats og personlige jobmidler"), and how many of the municipality's
    cases have had personal job means by ``today``."""
    from helhed.pools.models import StaffingLine, StaffRole
    from helhed.review.models import Effort, EffortKind

    budget = (StaffingLine.objects.filter(application__pool=pool, application__municipality_id=municipality_id,
                                          role=StaffRole.PERSONLIGE_JOBMIDLER)
              .values_list("cost", flat=True).first())
    citizens = (Effort.objects.filter(case__programme__result_id=pool.target_result_id,
                                      case__programme__municipality_id=municipality_id,
                                      kind=EffortKind.PERSONLIGE_JOBMIDLER, starts_on__lte=today)
                .values("case_id").distinct().count())
    return budget, citizens


def suppress_alone(figures: ProgressFigures) -> ProgressFigures:
    """A municipality outside the national table (no members): its own figures suppressed."""
    suppress_progress({}, figures)
    return figures


def dashboard(*, user: User, pool: Pool, code: int, today: datetime.date) -> Dashboard:
    municipality = get_municipality(user=user, pool=pool, code=code)
    return dashboard_figures(pool=pool, municipality_id=municipality.code, today=today)


def received_reports(*, user: User, pool: Pool, code: int):
    get_municipality(user=user, pool=pool, code=code)
    return list(pool.reports.filter(municipality_id=code).defer("pdf", "figures").order_by("-month"))


def get_report(*, user: User, report_id: UUID):
    from helhed.pools.models import MonthlyReport

    report = MonthlyReport.objects.filter(pk=report_id).select_related("pool").first()
    if report is None or not rules.has_perm("pools.view_municipality", user, report.municipality_id):
        raise Http404("Rapporten findes ikke.")
    return report


# --- The ministry's overview ----------------------------------------------------------

@dataclass
class OverviewRow:
    code: int
    name: str
    applied: bool
    target_group: int
    amount: Decimal
    figures: ProgressFigures
    paid: Decimal
    forfeited: Decimal

    @property
    def amount_text(self) -> str:
        if self.applied and not self.target_group:
            return "Ingen i målgruppen"
        return kroner(self.amount) if self.applied else "Søgte ikke"

    @property
    def paid_text(self) -> str:
        return kroner(self.paid)

    @property
    def forfeited_text(self) -> str:
        return kroner(self.forfeited)


SORT_KEYS = {
    "navn": lambda r: r.name,
    "tilskud": lambda r: r.amount if r.applied else Decimal(-1),
    "afklaret": lambda r: r.figures.resolved_percent if r.figures.resolved_percent is not None else Decimal(-1),
    "indsats": lambda r: (r.figures.last_month.shown_percent if r.figures.last_month and
                          r.figures.last_month.shown_percent is not None else Decimal(-1)),
    "maalgruppe": lambda r: r.figures.shown("target_group") if r.figures.shown("target_group") is not None else -1,
    "udbetalt": lambda r: r.paid,
}


@dataclass
class Overview:
    pool: Pool
    rows: list[OverviewRow]
    national: ProgressFigures
    allocated: Decimal
    paid: Decimal
    forfeited: Decimal
    unclaimed: Decimal
    available: Decimal
    sort: str
    descending: bool

    def text(self, name: str) -> str:
        return kroner(getattr(self, name))


def overview(*, user: User, pool: Pool, today: datetime.date, sort: str = "navn", descending: bool = False
             ) -> Overview:
    if not rules.has_perm("pools.view_overview", user):
        raise Http404
    rows_by_code = municipality_rows(pool, today)
    names = dict(Municipality.objects.values_list("code", "name"))
    paid = dict(Payout.objects.filter(tranche__pool=pool).values_list("municipality_id").annotate(s=Sum("amount"))
                .values_list("municipality_id", "s"))
    lost = dict(Forfeiture.objects.filter(tranche__pool=pool).values_list("municipality_id")
                .annotate(s=Sum("amount")).values_list("municipality_id", "s"))
    rows = [OverviewRow(a.municipality_id, names[a.municipality_id], a.applied, a.count, a.amount,
                        rows_by_code[a.municipality_id], paid.get(a.municipality_id, Decimal(0)),
                        lost.get(a.municipality_id, Decimal(0)))
            for a in pool.allocations.all()]
    sort = sort if sort in SORT_KEYS else "navn"
    rows.sort(key=lambda r: (SORT_KEYS[sort](r), r.code), reverse=descending)
    allocated = sum((r.amount for r in rows if r.applied), Decimal(0))
    return Overview(pool=pool, rows=rows, national=national_figures(rows_by_code, today), allocated=allocated,
                    paid=sum(paid.values(), Decimal(0)), forfeited=sum(lost.values(), Decimal(0)),
                    unclaimed=unclaimed(pool), available=available_for_follow_up(pool),
                    sort=sort, descending=descending)


# --- The evaluation's outcomes ---------------------------------------------------------

@dataclass
class EvaluationOverview:
    points: list  # outcomes.Point
    categories: list[tuple[str, list[str | int]]]  # category → shown count per measured point
    total: int
    extracts: list
    measurements: list


def evaluation_overview(*, pool: Pool, today: datetime.date) -> EvaluationOverview:
    """The outcome points of a pool with the extract each is measured on, and the whole
    country's members per category at each measured point, small counts hidden (each point's
    categories add up to the target group)."""
    from helhed.pools import outcomes, suppression

    measured = outcomes.measure(pool=pool, today=today)
    total = pool.target_result.members.count()
    columns = []
    for p in measured.points:
        if not p.measured:
            columns.append(None)
            continue
        counts = dict.fromkeys(outcomes.CATEGORIES, 0)
        for categories in measured.by_member.values():
            counts[categories[p.months]] += 1
        table = suppression.suppress_table([list(counts.values())], row_totals=[total],
                                           threshold=small_count_threshold())
        columns.append(table.cells[0])
    rows = [(c, [suppression.shown(col[i]) if col is not None else "–" for col in columns])
            for i, c in enumerate(outcomes.CATEGORIES)]
    return EvaluationOverview(
        points=measured.points, categories=rows, total=total,
        extracts=list(pool.evaluation_extracts.select_related("extract").order_by("data_as_of")),
        measurements=list(pool.outcome_measurements.select_related("measured_by").order_by("-measured_at",
                                                                                            "months")[:15]))
