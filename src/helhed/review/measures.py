"""The milestone measures of "Flere skal med" (seed 002), as pure functions over plain facts.

Seed 002 (press release 9 April 2017): the pool is paid "40 pct. når hele bruttomålgruppen er
afklaret og visiteret" and "30 pct. når mindst 40 pct. af modtagerne har været i
virksomhedsrettet indsats i tre sammenhængende måneder". The core functions
(``resolved_facts``, ``effort_share_facts``) take plain dataclasses and dates only, so they
can be tested by hand and reproduced from the stored evidence; ``all_afklaret_og_visiteret``
and ``monthly_effort_share`` load the facts of a programme in a fixed number of queries and
call them. ``services.record_measurement`` stores a result with its evidence.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from helhed.register.vocabulary import AKTIVITETSPARAT, SYSTEM

RULE_VERSION = "1"

# The denominator's definition (a documented parameter, docs/review.md): which benefits make
# a member one of "modtagerne" in a month.
DENOMINATOR_BENEFITS: dict[str, frozenset[str]] = {"system": SYSTEM, "aktivitetsparat": AKTIVITETSPARAT}


@dataclass(frozen=True)
class Interval:
    start: datetime.date
    end: datetime.date | None  # None: ongoing

    def clip(self, first: datetime.date, last: datetime.date) -> tuple[datetime.date, datetime.date] | None:
        start = max(self.start, first)
        end = last if self.end is None else min(self.end, last)
        return (start, end) if start <= end else None


@dataclass(frozen=True)
class CaseFacts:
    """What the measures need to know about one case of the gross target group."""

    number: int
    status: str
    visiteret_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    benefits: tuple[tuple[str, Interval], ...] = ()  # (ydelse, period)
    business_efforts: tuple[Interval, ...] = ()  # virksomhedsrettet indsats only


@dataclass
class Measure:
    name: str
    period: str
    numerator: int
    denominator: int
    met: bool | None
    parameters: dict
    evidence: dict = field(default_factory=dict)
    rule_version: str = RULE_VERSION

    @property
    def share(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def resolved_facts(cases: Iterable[CaseFacts], *, on: datetime.date) -> Measure:
    """Is the whole gross target group afklaret og visiteret on ``on``?

    Source: seed 002, second tranche ("når hele bruttomålgruppen er afklaret og visiteret").
    A case counts when it was visiteret on or before ``on``; a citizen who left the target
    group before the review (moved, died, left the benefit) is closed with a reason and counts
    as resolved from the day it was closed (issue "Case review"). The gross target group is
    every case of the programme, fixed when it was made.
    """
    cases = list(cases)
    resolved, open_ = [], []
    for c in cases:
        if (c.visiteret_on and c.visiteret_on <= on) or (c.closed_on and c.closed_on <= on):
            resolved.append(c.number)
        else:
            open_.append(c.number)
    return Measure(
        name="all_afklaret_og_visiteret", period=on.isoformat(), numerator=len(resolved),
        denominator=len(cases), met=bool(cases) and not open_, parameters={},
        evidence={"resolved": resolved, "not_resolved": open_},
    )


def _days(intervals: Iterable[tuple[datetime.date, datetime.date]]) -> set[datetime.date]:
    days = set()
    for start, end in intervals:
        days.update(start + datetime.timedelta(n) for n in range((end - start).days + 1))
    return days


def effort_share_facts(cases: Iterable[CaseFacts], *, month: datetime.date, denominator: str = "system",
                       target: float = 0.40) -> Measure:
    """The share of a month's benefit recipients who had a virksomhedsrettet indsats.

    Source: seed 002, third tranche ("mindst 40 pct. af modtagerne har været i
    virksomhedsrettet indsats"); issue "Case review": the denominator is the members of the
    gross target group who received a benefit of ``DENOMINATOR_BENEFITS[denominator]`` on at
    least one day of the month; the numerator those of them with at least one day of
    virksomhedsrettet indsats in the month on which they also received such a benefit ("while
    still receiving"). A member who left the benefit counts only in the months they received
    it. ``met`` says whether the share reaches ``target`` (one month; the three consecutive
    months are the pools capability's to combine).
    """
    benefits = DENOMINATOR_BENEFITS[denominator]
    first, last = month_bounds(month)
    recipients, in_effort = [], []
    for c in cases:
        benefit_days = _days(filter(None, (p.clip(first, last) for y, p in c.benefits if y in benefits)))
        if not benefit_days:
            continue
        recipients.append(c.number)
        effort_days = _days(filter(None, (e.clip(first, last) for e in c.business_efforts)))
        if benefit_days & effort_days:
            in_effort.append(c.number)
    share = len(in_effort) / len(recipients) if recipients else None
    return Measure(
        name="monthly_effort_share", period=first.isoformat()[:7], numerator=len(in_effort),
        denominator=len(recipients), met=None if share is None else share >= target,
        parameters={"denominator": denominator, "benefits": sorted(benefits), "target": target},
        evidence={"recipients": recipients, "in_virksomhedsrettet_indsats": in_effort},
    )


def load_facts(programme, *, until: datetime.date | None = None) -> list[CaseFacts]:
    """The facts of every case of ``programme`` in three queries, whatever its size."""
    return load_facts_of([programme])[programme.pk]


def load_facts_of(programmes) -> dict:
    """``load_facts`` for several programmes at once (by programme id), in three queries
    whatever their number and size."""
    from helhed.review.models import VIRKSOMHEDSRETTET, BenefitPeriod, Effort, ReviewCase

    ids = [p.pk for p in programmes]
    facts: dict = {pk: [] for pk in ids}
    if not ids:
        return facts
    benefits: dict[int, list] = defaultdict(list)
    for case_id, ydelse, start, end in BenefitPeriod.objects.filter(case__programme__in=ids).values_list(
            "case_id", "ydelse", "starts_on", "ends_on"):
        benefits[case_id].append((ydelse, Interval(start, end)))
    efforts: dict[int, list] = defaultdict(list)
    for case_id, start, end in Effort.objects.filter(
            case__programme__in=ids, kind__in=VIRKSOMHEDSRETTET).values_list("case_id", "starts_on", "ends_on"):
        efforts[case_id].append(Interval(start, end))
    for programme_id, pk, number, status, visiteret_on, closed_on in ReviewCase.objects.filter(
            programme__in=ids).order_by("number").values_list(
            "programme_id", "pk", "number", "status", "visiteret_on", "closed_on"):
        facts[programme_id].append(CaseFacts(number=number, status=status, visiteret_on=visiteret_on,
                                             closed_on=closed_on, benefits=tuple(benefits[pk]),
                                             business_efforts=tuple(efforts[pk])))
    return facts


def all_afklaret_og_visiteret(programme, *, on: datetime.date) -> Measure:
    """``resolved_facts`` for a programme (see there for the rule and its source)."""
    return resolved_facts(load_facts(programme), on=on)


def monthly_effort_share(programme, month: datetime.date) -> Measure:
    """``effort_share_facts`` for a programme, with the programme's denominator parameter."""
    return effort_share_facts(load_facts(programme), month=month, denominator=programme.denominator)


def last_months(today: datetime.date, n: int = 12) -> list[datetime.date]:
    """The first days of the ``n`` months up to and including ``today``'s, oldest first."""
    months, month = [], today.replace(day=1)
    for _ in range(n):
        months.append(month)
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]
