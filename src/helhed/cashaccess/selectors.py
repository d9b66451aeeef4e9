"""Reads of cash access. Selectors that return a citizen's data take the acting user, apply
the rules and write the read to the audit log; the aggregate selectors for the partnership
return counts only, every count about citizens passed through ``suppress_small_count``."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

import rules
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from helhed.cashaccess.models import (
    Arrangement,
    ArrangementStatus,
    ExpectedHandout,
    Handout,
    HandoutKind,
    Solution,
    SolutionType,
)
from helhed.core.audit import record_read
from helhed.core.calendar import month_bounds, months_between
from helhed.core.formats import maaned
from helhed.core.models import Municipality, User
from helhed.core.rules import permitted_or_404, scoped
from helhed.registry.models import Citizen, NemKontoStatus
from helhed.registry.selectors import citizen_to_act_on, search_citizens

SMALL_COUNT_LIMIT = 5
HANDOUTS_SHOWN_ON_OVERVIEW = 5


# --- Municipal staff: solutions and arrangements ------------------------------------------

def solutions_visible_to(user: User) -> QuerySet[Solution]:
    """The solutions of the user's own municipalities (municipal staff only)."""
    qs = Solution.objects.select_related("municipality")
    if not rules.has_perm("cashaccess.view_solutions", user):
        return qs.none()
    return scoped(qs, user)


def solution_for_change(*, user: User, solution_id: UUID) -> Solution:
    return permitted_or_404(solutions_visible_to(user).filter(pk=solution_id).first(),
                            user=user, perm="cashaccess.change_solution",
                            message="Løsningen findes ikke eller er ikke tilgængelig for dig.")


def arrangements_visible_to(user: User) -> QuerySet[Arrangement]:
    qs = Arrangement.objects.select_related("citizen", "solution", "municipality")
    if not rules.has_perm("cashaccess.serve_arrangements", user):
        return qs.none()
    return scoped(qs, user)


def arrangement_list(*, user: User, channel: str) -> list[Arrangement]:
    """The arrangements of the user's municipalities, not ended first. Every citizen listed
    is recorded as read (their name is shown)."""
    found = list(arrangements_visible_to(user).order_by("status", "citizen__last_name", "citizen__first_name"))
    record_read(actor=user, citizen_uuids=[a.citizen_id for a in found],
                what="Navn og kontantordning (liste over kontantordninger)",
                purpose="Kontantadgang: oversigt over kommunens ordninger", channel=channel)
    return found


def find_citizens_for_arrangement(*, user: User, query: str, channel: str) -> list[Citizen]:
    """The registry's citizen search (audited there), for starting a new arrangement."""
    if not rules.has_perm("cashaccess.serve_arrangements", user):
        return []
    return search_citizens(user=user, query=query, channel=channel)


@dataclass
class ArrangementDetail:
    arrangement: Arrangement
    handouts: list[Handout]
    expected: list[ExpectedHandout] = field(default_factory=list)  # cash paid, waiting to be handed out
    due: Decimal = Decimal("0")

    @property
    def reversible(self) -> list[Handout]:
        """Hand-outs that stand: neither a reversal nor reversed."""
        reversed_ids = {h.reverses_id for h in self.handouts if h.reverses_id}
        return [h for h in self.handouts if not h.reverses_id and h.pk not in reversed_ids]

    @property
    def reversed_ids(self) -> set:
        return {h.reverses_id for h in self.handouts if h.reverses_id}


def arrangement_detail(*, user: User, arrangement_id: UUID, purpose: str, channel: str) -> ArrangementDetail:
    """One arrangement, its whole hand-out log and the cash payments waiting to be handed
    out, within the user's scope (else 404)."""
    arrangement = permitted_or_404(arrangements_visible_to(user).filter(pk=arrangement_id).first(),
                                   user=user, perm="cashaccess.manage_arrangement",
                                   message="Ordningen findes ikke eller er ikke tilgængelig for dig.")
    handouts = list(arrangement.handouts.select_related("reverses"))
    record_read(actor=user, citizen_uuids=[arrangement.citizen_id],
                what="Navn, kontantordning og udleveringslog", purpose=purpose, channel=channel)
    return ArrangementDetail(arrangement=arrangement, handouts=handouts, expected=open_expected(arrangement),
                             due=amount_due(arrangement))


def _stands(handouts: QuerySet) -> QuerySet:
    """Hand-outs that count: not reversals and not reversed."""
    return handouts.filter(reverses__isnull=True, reversal__isnull=True)


def amount_due(arrangement: Arrangement) -> Decimal:
    """What may still be handed out in cash on an arrangement: the cash payments linked to it
    (``ExpectedHandout``) less the cash hand-outs that stand. The hand-out log refuses more
    (issue 19: "an amount above what is due")."""
    expected = arrangement.expected_handouts.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    handed = _stands(arrangement.handouts.filter(kind=HandoutKind.CASH)).aggregate(total=Sum("amount"))["total"]
    return expected - (handed or Decimal("0"))


def open_expected(arrangement: Arrangement) -> list[ExpectedHandout]:
    """The cash payments on the arrangement that no standing hand-out has confirmed yet."""
    confirmed = set(_stands(Handout.objects.filter(expected__arrangement=arrangement))
                    .values_list("expected_id", flat=True))
    return [e for e in arrangement.expected_handouts.select_related("payment") if e.pk not in confirmed]


@dataclass(frozen=True)
class Reconciled:
    """One citizen's month: cash paid (payments dated in the month, linked to the citizen's
    arrangement) and cash handed out (standing hand-outs dated in the month)."""

    citizen: Citizen
    arrangement: Arrangement
    paid: Decimal
    handed_out: Decimal

    @property
    def difference(self) -> Decimal:
        return self.paid - self.handed_out

    @property
    def matches(self) -> bool:
        return self.paid == self.handed_out


def reconcile(*, arrangements: QuerySet, month: datetime.date) -> list[Reconciled]:
    """Payments and hand-outs per citizen and month (issue 19). A reversal cancels the
    hand-out it reverses in that hand-out's month, so the month reads as if the mistake had
    never stood; the right hand-out is logged anew. Pure reading: ``reconcile_month`` turns
    a mismatch into a task."""
    start, end = month_bounds(month)
    paid: dict = defaultdict(Decimal)
    for arrangement_id, amount in ExpectedHandout.objects.filter(
            arrangement__in=arrangements, payment__paid_on__range=(start, end)).values_list("arrangement_id", "amount"):
        paid[arrangement_id] += amount
    handed: dict = defaultdict(Decimal)
    for arrangement_id, amount in _stands(Handout.objects.filter(
            arrangement__in=arrangements, kind=HandoutKind.CASH, handed_out_on__range=(start, end))
    ).values_list("arrangement_id", "amount"):
        handed[arrangement_id] += amount
    ids = set(paid) | set(handed)
    rows = [Reconciled(citizen=a.citizen, arrangement=a, paid=paid[a.pk], handed_out=handed[a.pk])
            for a in arrangements.filter(pk__in=ids).select_related("citizen")]
    return sorted(rows, key=lambda r: (r.matches, r.citizen.last_name, r.citizen.first_name))


def reconciliation(*, user: User, month: datetime.date, channel: str) -> list[Reconciled]:
    """Cash paid and cash handed out per citizen in ``month`` for the user's municipalities
    (``reconcile``). Every citizen listed is recorded as read."""
    rows = reconcile(arrangements=arrangements_visible_to(user), month=month)
    record_read(actor=user, citizen_uuids=[r.citizen.pk for r in rows],
                what="Navn, kontante udbetalinger og udleveringer (afstemning)",
                purpose="Kontantadgang: afstemning af udbetalinger og udleveringer", channel=channel)
    return rows


def citizen_for_arrangement(*, user: User, citizen_id: UUID, channel: str) -> Citizen:
    """The citizen a caseworker is about to set up an arrangement for (name and NemKonto
    status are shown on the form, so the read is recorded)."""
    return citizen_to_act_on(user=user, citizen_id=citizen_id, perm="cashaccess.set_up_arrangement",
                             what="Navn og NemKonto (ny kontantordning)",
                             purpose="Kontantadgang: oprettelse af kontantordning", channel=channel)


def solutions_for_citizen(*, citizen: Citizen, on: datetime.date) -> QuerySet[Solution]:
    """The solutions in the citizen's municipality that are running on ``on``."""
    return Solution.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on), municipality_id=citizen.home_municipality_id,
        starts_on__lte=on,
    ).exclude(kind=SolutionType.BANK_TENDER)


def overview_section(*, user: User, citizen: Citizen, today: datetime.date):
    """The cash-access section of the whole-citizen overview (and of the citizen's own
    page). Applies the registry's view permission; writes no audit record (the overview
    does, naming this section)."""
    if not rules.has_perm("registry.view_citizen", user, citizen):
        return None
    arrangements = list(citizen.cash_arrangements.select_related("solution").order_by("-starts_on"))
    can_set_up = rules.has_perm("cashaccess.set_up_arrangement", user, citizen)
    # Without an arrangement the section is shown only where one is needed: a citizen without
    # NemKonto must be paid another way (``services.payout_route_problem``).
    if not arrangements and not (can_set_up and citizen.nemkonto == NemKontoStatus.MISSING):
        return None
    current = next((a for a in arrangements if a.status != ArrangementStatus.ENDED), None)
    handouts = list(current.handouts.all()[:HANDOUTS_SHOWN_ON_OVERVIEW]) if current else []
    return {
        "citizen": citizen,
        "arrangements": arrangements,
        "current": current,
        "handouts": handouts,
        "can_set_up": can_set_up and current is None,
        "can_manage": can_set_up,
    }


# --- Partnership: aggregate figures only --------------------------------------------------

def suppress_small_count(n: int) -> int | None:
    """A count of citizens (or of their hand-outs) below 5 is never shown: ``None``, shown
    as "<5". The one place the rule lives; every figure a partnership member, the API or the
    report sees passes through it (issue "Access to cash": aggregates never expose a
    citizen; Danmarks Statistik's practice of discretion for small cells)."""
    return n if n >= SMALL_COUNT_LIMIT else None


@dataclass(frozen=True)
class Cell:
    """One aggregate figure as shown: ``value`` is ``None`` when suppressed."""

    value: int | None
    complementary: bool = False  # hidden only so that a suppressed neighbour cannot be derived

    @property
    def label(self) -> str:
        if self.value is not None:
            return str(self.value)
        return "skjult" if self.complementary else "<5"


def suppressed_breakdown(counts: dict) -> dict:
    """Suppress every small cell of a breakdown whose total is shown as well. If exactly
    one cell is small, the next smallest is hidden too, so that no cell can be worked out
    by subtracting the others from the total (complementary suppression)."""
    cells = {key: Cell(suppress_small_count(n)) for key, n in counts.items()}
    small = [key for key, cell in cells.items() if cell.value is None]
    if len(small) == 1:
        shown = sorted((n, str(key), key) for key, n in counts.items() if cells[key].value is not None)
        if shown:
            cells[shown[0][2]] = Cell(None, complementary=True)
    return cells


def _total(counts: dict) -> Cell:
    return Cell(suppress_small_count(sum(counts.values())))


@dataclass
class Row:
    key: str
    label: str
    cell: Cell


@dataclass
class MunicipalityRow:
    code: int
    name: str
    kinds: list[str]
    bank_tender: bool
    citizens: Cell
    handouts: Cell


@dataclass
class Indicators:
    """The partnership's indicators for one period (seed 000: "løbende følge op på
    udviklingen"). Every citizen-derived figure is a ``Cell``."""

    period_start: datetime.date
    period_end: datetime.date
    citizens_by_kind: list[Row]
    citizens_total: Cell
    municipalities_by_kind: list[tuple[str, str, int]]
    municipalities_with_bank_tender: int
    municipalities_with_any_solution: int
    handouts_by_month: list[Row]
    handouts_total: Cell
    municipalities: list[MunicipalityRow]


def _running_between(start: datetime.date, end: datetime.date) -> Q:
    return Q(starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))


def indicators(*, user: User, period_start: datetime.date, period_end: datetime.date) -> Indicators:
    """Aggregate figures for partnership members: citizens with an arrangement by solution
    type, municipalities with each solution type and with a bank-tender requirement,
    hand-outs per month, and the same per municipality. Counts distinct citizens with an
    arrangement running at the end of the period. Never returns a citizen."""
    if not rules.has_perm("cashaccess.view_indicators", user):
        raise Http404("Kun for partnerskabet om kontantadgang.")
    if period_end < period_start:
        raise ValueError("Perioden slutter før den begynder.")

    running = Arrangement.objects.filter(_running_between(period_end, period_end))
    by_kind = Counter(dict(
        running.values_list("solution__kind").annotate(n=Count("citizen", distinct=True)).values_list(
            "solution__kind", "n")
    ))
    kind_counts = {kind: by_kind.get(kind, 0) for kind in SolutionType.values if kind != SolutionType.BANK_TENDER}
    kind_cells = suppressed_breakdown(kind_counts)

    solutions = Solution.objects.filter(_running_between(period_start, period_end))
    kinds_by_municipality: dict[int, set[str]] = defaultdict(set)
    for code, kind in solutions.values_list("municipality_id", "kind"):
        kinds_by_municipality[code].add(kind)
    municipalities_by_kind = [
        (kind, label, sum(1 for kinds in kinds_by_municipality.values() if kind in kinds))
        for kind, label in SolutionType.choices
    ]

    handouts = Handout.objects.filter(handed_out_on__gte=period_start, handed_out_on__lte=period_end)
    per_month = dict(
        handouts.annotate(month=TruncMonth("handed_out_on")).values_list("month").annotate(n=Count("id"))
        .values_list("month", "n")
    )
    per_month = {(m.date() if isinstance(m, datetime.datetime) else m): n for m, n in per_month.items()}
    month_counts = {m: per_month.get(m, 0) for m in months_between(period_start, period_end)}
    month_cells = suppressed_breakdown(month_counts)

    citizens_per_municipality = dict(
        running.values_list("municipality_id").annotate(n=Count("citizen", distinct=True))
        .values_list("municipality_id", "n")
    )
    handouts_per_municipality = dict(
        handouts.values_list("arrangement__municipality_id").annotate(n=Count("id"))
        .values_list("arrangement__municipality_id", "n")
    )
    codes = set(kinds_by_municipality) | set(citizens_per_municipality) | set(handouts_per_municipality)
    names = dict(Municipality.objects.filter(code__in=codes).values_list("code", "name"))
    citizen_cells = suppressed_breakdown({code: citizens_per_municipality.get(code, 0) for code in codes})
    handout_cells = suppressed_breakdown({code: handouts_per_municipality.get(code, 0) for code in codes})
    labels = dict(SolutionType.choices)
    rows = [
        MunicipalityRow(
            code=code, name=names[code],
            kinds=[labels[k] for k in SolutionType.values if k in kinds_by_municipality.get(code, set())],
            bank_tender=SolutionType.BANK_TENDER in kinds_by_municipality.get(code, set()),
            citizens=citizen_cells[code], handouts=handout_cells[code],
        )
        for code in codes
    ]
    # Sorted by what is shown, never by a suppressed value, so the order reveals nothing.
    rows.sort(key=lambda r: (-(r.citizens.value or 0), r.name))

    return Indicators(
        period_start=period_start,
        period_end=period_end,
        citizens_by_kind=[Row(kind, labels[kind], kind_cells[kind]) for kind in kind_counts],
        citizens_total=_total(kind_counts),
        municipalities_by_kind=municipalities_by_kind,
        municipalities_with_bank_tender=sum(1 for k in kinds_by_municipality.values() if SolutionType.BANK_TENDER in k),
        municipalities_with_any_solution=len(kinds_by_municipality),
        handouts_by_month=[
            Row(m.isoformat()[:7], maaned(m), month_cells[m]) for m in month_counts
        ],
        handouts_total=_total(month_counts),
        municipalities=rows,
    )


@dataclass
class Change:
    label: str
    before: str
    now: str
    change: str


@dataclass
class FollowUpReport:
    """The follow-up report to the government (seed 000: "ultimo 2022 afrapportere til
    regeringen om udviklingen på området"), for any period, compared with the period of the
    same length just before it."""

    current: Indicators
    previous: Indicators
    development: list[Change]
    solutions_in_use: list[tuple[str, list[Solution]]] = field(default_factory=list)


def _change(label: str, before, now) -> Change:
    def shown(x):
        return x.label if isinstance(x, Cell) else str(x)

    def value(x):
        return x.value if isinstance(x, Cell) else x

    b, n = value(before), value(now)
    delta = "–" if b is None or n is None else f"{n - b:+d}"
    return Change(label=label, before=shown(before), now=shown(now), change=delta)


def previous_period(start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date]:
    length = end - start
    previous_end = start - datetime.timedelta(days=1)
    return previous_end - length, previous_end


def follow_up_report(*, user: User, period_start: datetime.date, period_end: datetime.date) -> FollowUpReport:
    """The screen page and the PDF are both rendered from this one selector's figures."""
    current = indicators(user=user, period_start=period_start, period_end=period_end)
    previous = indicators(user=user, period_start=previous_period(period_start, period_end)[0],
                          period_end=previous_period(period_start, period_end)[1])
    development = [_change("Borgere med en kontantordning", previous.citizens_total, current.citizens_total)]
    development += [
        _change(f"Borgere med ordning: {now.label}", before.cell, now.cell)
        for before, now in zip(previous.citizens_by_kind, current.citizens_by_kind, strict=True)
    ]
    development += [
        _change(f"Kommuner med {now[1].lower()}", before[2], now[2])
        for before, now in zip(previous.municipalities_by_kind, current.municipalities_by_kind, strict=True)
    ]
    development.append(_change("Udleveringer i perioden", previous.handouts_total, current.handouts_total))
    in_use = Solution.objects.filter(_running_between(period_start, period_end)).select_related("municipality")
    grouped: dict[str, list[Solution]] = defaultdict(list)
    for solution in in_use.order_by("kind", "municipality__name", "name"):
        grouped[solution.kind].append(solution)
    labels = dict(SolutionType.choices)
    return FollowUpReport(
        current=current, previous=previous, development=development,
        solutions_in_use=[(labels[kind], grouped[kind]) for kind in SolutionType.values if grouped.get(kind)],
    )
