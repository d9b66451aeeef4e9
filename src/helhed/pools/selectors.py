"""Every read of the grant pools: which pools a user sees, a municipality's dashboard (the
same figures on screen, in the PDF, in the monthly report and in the API), and the
ministry's overview of all municipalities. Only aggregate figures: no citizen's name or CPR
is read here, so nothing is audited; a municipality's staff see their own municipality only
(``helhed.pools.rules``)."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from uuid import UUID

import rules
from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404

from helhed.core.models import Municipality, User
from helhed.core.rules import municipality_scope
from helhed.pools import milestones, services
from helhed.pools.models import Allocation, Application, Forfeiture, Payout, Pool
from helhed.review import measures
from helhed.review.models import Programme
from helhed.review.selectors import month_label

__all__ = ["month_label"]
MONTHS_SHOWN = 12


def kroner(amount: Decimal | None) -> str:
    """Danish money: 78.750.000 kr. (øre only when there are any)."""
    if amount is None:
        return "–"
    whole = amount == amount.to_integral_value()
    text = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") + " kr."


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


def pools_with_totals(user: User) -> QuerySet[Pool]:
    """The visible pools with their tranches and the sums ``services.unclaimed`` needs
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
    scope = municipality_scope(user)
    return min(scope) if scope else None


def applications(*, user: User, pool: Pool) -> list[Application]:
    """All applications for a pool officer; a municipality's own only for its staff."""
    qs = pool.applications.select_related("municipality").prefetch_related("staffing")
    if not rules.has_perm("pools.manage_pools", user):
        scope = municipality_scope(user)
        qs = qs.filter(municipality_id__in=scope or [])
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

    @property
    def percent_text(self) -> str:
        return percent_text(self.percent)

    @property
    def width(self) -> int:
        return int(self.percent or 0)


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
    """One municipality's review figures for a pool (also summed for the whole country)."""

    target_group: int = 0
    gross: int = 0
    resolved: int = 0
    last_month: MonthFigure | None = None

    @property
    def resolved_percent(self) -> Decimal | None:
        return percent(self.resolved, self.gross)

    @property
    def resolved_text(self) -> str:
        return percent_text(self.resolved_percent)

    @property
    def effort_text(self) -> str:
        return self.last_month.percent_text if self.last_month else "–"


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

    @property
    def allocation_text(self) -> str:
        if self.allocation and self.allocation.applied and not self.allocation.count:
            return "Ingen i målgruppen"
        return kroner(self.allocation.amount) if self.allocation and self.allocation.applied else "Intet tilskud"

    @property
    def paid_text(self) -> str:
        return kroner(self.paid_total)

    @property
    def threshold_width(self) -> int:
        return int(self.threshold or 0)

    def as_json(self) -> dict:
        return {
            "pool": str(self.pool.pk), "municipality": self.municipality.code, "today": self.today.isoformat(),
            "target_group": self.figures.target_group, "gross_target_group": self.figures.gross,
            "resolved": self.figures.resolved, "resolved_percent": _s(self.figures.resolved_percent),
            "allocation": _s(self.allocation.amount if self.allocation and self.allocation.applied else None),
            "paid": str(self.paid_total),
            "months": [{"month": m.month, "recipients": m.recipients, "in_virksomhedsrettet_indsats": m.in_effort,
                        "percent": _s(m.percent)} for m in self.months],
            "tranches": [{"number": t.number, "percent": str(t.percent), "milestone": t.description,
                          "latest_on": t.latest_on.isoformat(), "amount": str(t.amount), "status": t.status,
                          "met_on": t.met_on.isoformat() if t.met_on else None} for t in self.tranches],
            "national": {"target_group": self.national.target_group, "gross_target_group": self.national.gross,
                         "resolved": self.national.resolved, "resolved_percent": _s(self.national.resolved_percent),
                         "last_month": asdict(self.national.last_month) | {
                             "percent": _s(self.national.last_month.percent)} if self.national.last_month else None},
        }


def _s(value) -> str | None:
    return None if value is None else str(value)


def _months(pool: Pool, today: datetime.date) -> list[datetime.date]:
    start = pool.period_start.replace(day=1)
    return [m for m in measures.last_months(today, MONTHS_SHOWN) if m >= start]


def _last_complete_month(today: datetime.date) -> datetime.date:
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _progress(pool: Pool, code: int, count: int, today: datetime.date, months: list[datetime.date]
              ) -> tuple[ProgressFigures, list[MonthFigure], bool]:
    programme = services.programme_for(pool, code)
    facts = measures.load_facts(programme) if programme is not None else None
    return _figures(pool, programme, facts, count, today, months)


def _figures(pool: Pool, programme, facts, count: int, today: datetime.date, months: list[datetime.date]
             ) -> tuple[ProgressFigures, list[MonthFigure], bool]:
    figures = ProgressFigures(target_group=count)
    if programme is None:
        return figures, [MonthFigure(m.isoformat()[:7], month_label(m), 0, 0, None) for m in months], False
    resolved = measures.resolved_facts(facts, on=today)
    figures.gross, figures.resolved = resolved.denominator, resolved.numerator
    shown = []
    for m in months:
        share = measures.effort_share_facts(facts, month=m, denominator=programme.denominator)
        shown.append(MonthFigure(m.isoformat()[:7], month_label(m), share.denominator, share.numerator,
                                 percent(share.numerator, share.denominator)))
    last = _last_complete_month(today)
    if last >= pool.period_start.replace(day=1):
        share = measures.effort_share_facts(facts, month=last, denominator=programme.denominator)
        figures.last_month = MonthFigure(last.isoformat()[:7], month_label(last), share.denominator, share.numerator,
                                         percent(share.numerator, share.denominator))
    return figures, shown, True


def municipality_rows(pool: Pool, today: datetime.date) -> dict[int, ProgressFigures]:
    """Every allocated municipality's progress figures, in a fixed number of queries
    however many municipalities and cases: the programmes at once (the first in the
    programmes' order per municipality, as ``services.programme_for``), then their facts."""
    allocations = list(pool.allocations.all())
    programmes: dict[int, Programme] = {}
    for p in Programme.objects.filter(result_id=pool.target_result_id,
                                      municipality_id__in=[a.municipality_id for a in allocations]):
        programmes.setdefault(p.municipality_id, p)
    facts = measures.load_facts_of(list(programmes.values()))
    rows = {}
    for a in allocations:
        programme = programmes.get(a.municipality_id)
        rows[a.municipality_id] = _figures(pool, programme, facts[programme.pk] if programme else None, a.count,
                                           today, [])[0]
    return rows


def national_figures(rows: dict[int, ProgressFigures], today: datetime.date) -> ProgressFigures:
    total = ProgressFigures()
    recipients = in_effort = 0
    for r in rows.values():
        total.target_group += r.target_group
        total.gross += r.gross
        total.resolved += r.resolved
        if r.last_month:
            recipients += r.last_month.recipients
            in_effort += r.last_month.in_effort
    last = _last_complete_month(today)
    total.last_month = MonthFigure(last.isoformat()[:7], month_label(last), recipients, in_effort,
                                   percent(in_effort, recipients))
    return total


def tranche_figures(pool: Pool, allocation: Allocation | None) -> list[TrancheFigure]:
    tranches = list(pool.tranches.all())
    if allocation is None or not allocation.applied:
        amounts = dict.fromkeys((t.number for t in tranches), Decimal(0))
        paid, lost = {}, {}
    else:
        amounts = milestones.tranche_amounts(allocation.amount, {t.number: t.percent for t in tranches}, pool.unit)
        code = allocation.municipality_id
        paid = {p.tranche_id: p for p in Payout.objects.filter(tranche__pool=pool, municipality_id=code)}
        lost = {f.tranche_id: f for f in Forfeiture.objects.filter(tranche__pool=pool, municipality_id=code)}
    result = []
    for t in tranches:
        if allocation is not None and allocation.applied and not services.payable_grant(allocation):
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


def dashboard_figures(*, pool: Pool, municipality_id: int, today: datetime.date) -> Dashboard:
    """The figures of a municipality's dashboard; callers check access first."""
    municipality = Municipality.objects.get(pk=municipality_id)
    allocation = pool.allocations.filter(municipality_id=municipality_id).first()
    if allocation is None:
        count = services.target_group_counts(pool.target_result).get(municipality_id, 0)
    else:
        count = allocation.count
    figures, months, has_programme = _progress(pool, municipality_id, count, today, _months(pool, today))
    national = national_figures(municipality_rows(pool, today), today)
    tranches = tranche_figures(pool, allocation)
    effort = next((t for t in pool.tranches.all() if t.threshold is not None), None)
    return Dashboard(
        pool=pool, municipality=municipality, today=today, allocation=allocation, has_programme=has_programme,
        figures=figures, months=months, tranches=tranches, national=national,
        threshold=effort.threshold if effort else None,
        paid_total=sum((t.amount for t in tranches if t.status == "udbetalt"), Decimal(0)),
    )


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
    "maalgruppe": lambda r: r.target_group,
    "tilskud": lambda r: r.amount if r.applied else Decimal(-1),
    "afklaret": lambda r: r.figures.resolved_percent if r.figures.resolved_percent is not None else Decimal(-1),
    "indsats": lambda r: (r.figures.last_month.percent if r.figures.last_month and r.figures.last_month.percent
                          is not None else Decimal(-1)),
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
                    unclaimed=services.unclaimed(pool), available=services.available_for_follow_up(pool),
                    sort=sort, descending=descending)
