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

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from helhed.core.calendar import add_months, month_bounds, months_between
from helhed.core.formats import kortdato
from helhed.register.vocabulary import AKTIVITETSPARAT, SYSTEM

RULE_VERSION = "2"

# The denominator's definition (a documented parameter, docs/review.md): which benefits make
# a member one of "modtagerne" in a month.
DENOMINATOR_BENEFITS: dict[str, frozenset[str]] = {"system": SYSTEM, "aktivitetsparat": AKTIVITETSPARAT}

# Our parameter (docs/review.md, "Facts carry two dates"; issue 17 names 14 as an example):
# a fact that takes effect more than this many days before the day it was entered counts only
# once a second person has approved it. Changing it is a new RULE_VERSION.
BACKDATE_DAYS = 14


@dataclass(frozen=True)
class Interval:
    start: datetime.date
    end: datetime.date | None  # None: ongoing

    def clip(self, first: datetime.date, last: datetime.date) -> tuple[datetime.date, datetime.date] | None:
        start = max(self.start, first)
        end = last if self.end is None else min(self.end, last)
        return (start, end) if start <= end else None


@dataclass(frozen=True)
class Counted:
    """When a fact counts: the Danish day it was entered (server clock) and the day from which
    it counts: the entry day, or for a fact that needed a second person the day it was
    approved; None while it waits or once it was rejected."""

    entered_on: datetime.date
    counts_from: datetime.date | None

    def by(self, cutoff: datetime.date) -> bool:
        return self.counts_from is not None and self.counts_from <= cutoff


@dataclass(frozen=True)
class Extract:
    """An imported register extract: its SHA-256, the day it describes and the day it was
    imported (from which the milestones may use it)."""

    sha256: str
    extract_on: datetime.date
    imported_on: datetime.date

    def as_evidence(self) -> dict:
        return {"sha256": self.sha256, "extract_on": self.extract_on.isoformat(),
                "imported_on": self.imported_on.isoformat()}


@dataclass(frozen=True)
class CaseFacts:
    """What the measures need to know about one case of the gross target group.

    The raw, two-dated facts (``resolution``, ``effort_facts``, ``corrections``,
    ``register``, ``extracts``) are what was loaded; ``known_by`` derives from them the facts
    as they stood at a cut-off (``visiteret_on``, ``closed_on``, ``benefits``,
    ``business_efforts``, ``in_register``), which the measures read. Facts built by hand
    (tests) may give the derived fields directly."""

    number: int
    status: str
    visiteret_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    benefits: tuple[tuple[str, Interval], ...] = ()  # (ydelse, period)
    business_efforts: tuple[Interval, ...] = ()  # virksomhedsrettet indsats only
    in_register: bool = False  # the extract used has this member (so its benefits are known)
    # Raw facts with their two dates.
    resolution: tuple[str, datetime.date, Counted] | None = None  # (to_status, effective day, counted)
    effort_facts: tuple[tuple[Interval, Counted], ...] = ()
    corrections: tuple[tuple[str, Interval, Counted], ...] = ()
    register: tuple[tuple[str, int, str, Interval], ...] = ()  # (extract sha256, kommunekode, ydelse, period)
    extracts: tuple[Extract, ...] = ()
    municipality: int | None = None
    cutoff: datetime.date | None = None
    extract: Extract | None = None


def effective_date_problem(effective: datetime.date, *, entered_on: datetime.date,
                           programme_start: datetime.date) -> str | None:
    """A fact's effective date can be neither in the future nor before the programme's start.

    Source: issue 17 ("An effective date can be neither in the future nor before the
    programme's start"); the auditor's demand that every payout rests on facts that cannot be
    dated at will (DOMAIN.md, "Grant administration")."""
    if effective > entered_on:
        return f"Datoen {kortdato(effective)} ligger i fremtiden."
    if effective < programme_start:
        return (f"Datoen {kortdato(effective)} ligger før programmets start "
                f"{kortdato(programme_start)}.")
    return None


def needs_second_approval(effective: datetime.date, *, entered_on: datetime.date,
                          days: int = BACKDATE_DAYS) -> bool:
    """A fact that takes effect more than ``days`` days before it was entered counts only once
    a second person has approved it with a reason. Source: issue 17; ``BACKDATE_DAYS`` is our
    parameter."""
    return (entered_on - effective).days > days


def register_exit(periods: Iterable[tuple[int, str, Interval]], *, extract_on: datetime.date,
                  municipality: int) -> datetime.date | None:
    """The first day on which the register shows the citizen out of the kontanthjælp system
    of ``municipality``: the day after the last day of their last period of a benefit in
    ``register.vocabulary.SYSTEM`` from that municipality, when every such period ended
    before the extract's date. None when the extract shows them still on such a benefit (a
    period running on the extract's date) or shows no such period at all.

    Source: DOMAIN.md glossary ("Together 'the kontanthjælp system'"); issue 17 ("Closing a
    case needs a reason with evidence: the register shows the citizen left the benefit (with
    that date)"). Counting only the programme's municipality is our reading: a citizen who
    moved is out of this municipality's target group."""
    ends = []
    for kommunekode, ydelse, period in periods:
        if kommunekode != municipality or ydelse not in SYSTEM:
            continue
        if period.end is None or period.end >= extract_on:
            return None
        ends.append(period.end)
    return max(ends) + datetime.timedelta(days=1) if ends else None


def known_by(cases: Iterable[CaseFacts], cutoff: datetime.date) -> list[CaseFacts]:
    """The facts as they stood at the end of ``cutoff`` (Danish time).

    A fact counts only if it was entered on or before ``cutoff`` and, when it needed a second
    person, approved on or before it (``Counted.by``). Benefits come from the newest
    register extract imported by ``cutoff`` (periods running on the extract's date count as
    running on), from the programme's municipality, plus the approved typed corrections.
    Source: issue 17 ("A milestone counts a fact only if it was entered by the tranche's
    deadline"; "Benefit periods come from the registers")."""
    cases = list(cases)
    derived = []
    for c in cases:
        usable = [e for e in c.extracts if e.imported_on <= cutoff]
        extract = max(usable, key=lambda e: (e.extract_on, e.imported_on)) if usable else None
        visiteret_on = closed_on = None
        if c.resolution is not None and c.resolution[2].by(cutoff):
            to_status, on, _ = c.resolution
            if to_status == "visiteret":
                visiteret_on = on
            else:
                closed_on = on
        benefits, in_register = [], False
        if extract is not None:
            for sha, kommunekode, ydelse, period in c.register:
                if sha != extract.sha256:
                    continue
                in_register = True
                if c.municipality is not None and kommunekode != c.municipality:
                    continue
                running = period.end is None or period.end >= extract.extract_on
                benefits.append((ydelse, Interval(period.start, None) if running else period))
        benefits += [(ydelse, period) for ydelse, period, counted in c.corrections if counted.by(cutoff)]
        derived.append(replace(
            c, visiteret_on=visiteret_on, closed_on=closed_on, benefits=tuple(benefits),
            in_register=in_register or any(counted.by(cutoff) for *_, counted in c.corrections),
            business_efforts=tuple(i for i, counted in c.effort_facts if counted.by(cutoff)),
            cutoff=cutoff, extract=extract))
    return derived


def facts_evidence(cases: list[CaseFacts]) -> dict:
    """What a measure stores about the facts it used: the entry cut-off, the extract, and
    which raw facts did not count (entered later, waiting for approval or rejected)."""
    if not cases or cases[0].cutoff is None:
        return {}
    cutoff = cases[0].cutoff
    extract = cases[0].extract
    return {
        "entered_by": f"{cutoff.isoformat()} 23:59:59 Europe/Copenhagen",
        "extract": extract.as_evidence() if extract else None,
        "resolutions_not_counted": [c.number for c in cases
                                    if c.resolution is not None and not c.resolution[2].by(cutoff)],
        "efforts_not_counted": sum(1 for c in cases for _, counted in c.effort_facts if not counted.by(cutoff)),
        "corrections_counted": sum(1 for c in cases for *_, counted in c.corrections if counted.by(cutoff)),
        "corrections_not_counted": sum(1 for c in cases for *_, counted in c.corrections
                                       if not counted.by(cutoff)),
    }


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


def resolved_facts(cases: Iterable[CaseFacts], *, on: datetime.date) -> Measure:
    """Is the whole gross target group afklaret og visiteret on ``on``?

    Source: seed 002, second tranche ("når hele bruttomålgruppen er afklaret og visiteret").
    A case counts when it was visiteret on or before ``on``; a citizen the register shows
    leaving the kontanthjælp system is closed (``register_exit``) and counts as resolved
    from that day. The gross target group is every case of the programme, fixed when it was
    made. Only facts known at the cut-off count (``known_by``; ``load_facts`` applies it).
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
        denominator=len(cases), met=bool(cases) and not open_, parameters={"backdate_days": BACKDATE_DAYS},
        evidence={"resolved": resolved, "not_resolved": open_, **facts_evidence(cases)},
    )


def _days(intervals: Iterable[tuple[datetime.date, datetime.date]]) -> set[datetime.date]:
    days = set()
    for start, end in intervals:
        days.update(start + datetime.timedelta(n) for n in range((end - start).days + 1))
    return days


EFFORT_TARGET = 0.40  # seed 002, third tranche: "mindst 40 pct."


def effort_share_facts(cases: Iterable[CaseFacts], *, month: datetime.date, denominator: str = "system",
                       target: float = EFFORT_TARGET) -> Measure:
    """The share of a month's benefit recipients who had a virksomhedsrettet indsats.

    Source: seed 002, third tranche ("mindst 40 pct. af modtagerne har været i
    virksomhedsrettet indsats"); issue 17: the denominator is the municipality's whole gross
    target group at the reference date, less those the register shows out of the benefits of
    ``DENOMINATOR_BENEFITS[denominator]`` for the whole month — never only the members
    somebody typed a period for. A member the extract does not show (or no extract yet)
    stays in the denominator: missing data never raises the share. The numerator: those of
    the denominator with at least one day of virksomhedsrettet indsats in the month on which
    they also received such a benefit (for a member the register does not show, any day of
    the month). ``met`` says whether the share reaches ``target`` (one month; the three
    consecutive months are the pools capability's to combine).
    """
    cases = list(cases)
    benefits = DENOMINATOR_BENEFITS[denominator]
    first, last = month_bounds(month)
    whole_month = {(first, last)}
    recipients, in_effort, left = [], [], []
    for c in cases:
        if c.in_register or c.benefits:
            benefit_days = _days(filter(None, (p.clip(first, last) for y, p in c.benefits if y in benefits)))
            if not benefit_days:
                left.append(c.number)
                continue
        else:
            benefit_days = _days(whole_month)
        recipients.append(c.number)
        effort_days = _days(filter(None, (e.clip(first, last) for e in c.business_efforts)))
        if benefit_days & effort_days:
            in_effort.append(c.number)
    share = len(in_effort) / len(recipients) if recipients else None
    return Measure(
        name="monthly_effort_share", period=first.isoformat()[:7], numerator=len(in_effort),
        denominator=len(recipients), met=None if share is None else share >= target,
        parameters={"denominator": denominator, "benefits": sorted(benefits), "target": target,
                    "backdate_days": BACKDATE_DAYS},
        evidence={"gross_target_group": len(cases), "recipients": recipients,
                  "in_virksomhedsrettet_indsats": in_effort, "shown_out_of_benefit": left,
                  **facts_evidence(cases)},
    )


def load_facts(programme, *, until: datetime.date | None = None) -> list[CaseFacts]:
    """The facts of every case of ``programme`` as known at the end of ``until`` (default:
    today, Danish time), in a fixed number of queries whatever its size."""
    return load_facts_of([programme], until=until)[programme.pk]


def load_facts_of(programmes, *, until: datetime.date | None = None) -> dict:
    """``load_facts`` for several programmes at once (by programme id), in six queries
    whatever their number and size. Each case keeps its raw two-dated facts, so that
    ``known_by`` can derive them again at an earlier cut-off (a tranche's deadline)."""
    from helhed.core.calendar import local_date
    from helhed.review import clock
    from helhed.review.models import (
        RESOLVED,
        VIRKSOMHEDSRETTET,
        Approval,
        BenefitPeriod,
        CaseEvent,
        Effort,
        RegisterImport,
        RegisterPeriod,
        ReviewCase,
    )

    until = until or clock.today()
    ids = [p.pk for p in programmes]
    facts: dict = {pk: [] for pk in ids}
    if not ids:
        return facts
    municipality = {p.pk: p.municipality_id for p in programmes}

    def counted(entered_at, approval, approved, decided_at) -> Counted:
        """When a fact counts: from its entry if it needed no approval, from its approval's
        entry if a colleague approved it (``FactDecision``), never while it waits or once rejected."""
        entered_on = local_date(entered_at)
        if approval == Approval.NOT_NEEDED:
            return Counted(entered_on, entered_on)
        if approved and decided_at is not None:
            return Counted(entered_on, max(entered_on, local_date(decided_at)))
        return Counted(entered_on, None)

    extracts: dict = defaultdict(list)
    sha_of = {}
    for pk, programme_id, sha, extract_on, imported_at in RegisterImport.objects.filter(
            programme__in=ids).values_list("pk", "programme_id", "sha256", "extract_on", "imported_at"):
        extracts[programme_id].append(Extract(sha, extract_on, local_date(imported_at)))
        sha_of[pk] = sha
    register: dict[int, list] = defaultdict(list)
    for case_id, import_id, kommunekode, ydelse, start, end in RegisterPeriod.objects.filter(
            case__programme__in=ids).values_list("case_id", "register_import_id", "kommunekode", "ydelse",
                                                 "starts_on", "ends_on"):
        register[case_id].append((sha_of[import_id], kommunekode, ydelse, Interval(start, end)))
    corrections: dict[int, list] = defaultdict(list)
    decision = ("approval", "decision__approved", "decision__decided_at")
    for case_id, ydelse, start, end, at, *approval in BenefitPeriod.objects.filter(
            case__programme__in=ids).values_list("case_id", "ydelse", "starts_on", "ends_on", "created_at", *decision):
        corrections[case_id].append((ydelse, Interval(start, end), counted(at, *approval)))
    efforts: dict[int, list] = defaultdict(list)
    for case_id, start, end, at, *approval in Effort.objects.filter(
            case__programme__in=ids, kind__in=VIRKSOMHEDSRETTET).values_list(
            "case_id", "starts_on", "ends_on", "created_at", *decision):
        efforts[case_id].append((Interval(start, end), counted(at, *approval)))
    resolutions: dict = {}
    for case_id, to_status, on, at, *approval in CaseEvent.objects.filter(
            case__programme__in=ids, to_status__in=RESOLVED).exclude(decision__approved=False).order_by(
            "at", "id").values_list("case_id", "to_status", "on", "at", *decision):
        resolutions[case_id] = (to_status, on, counted(at, *approval))
    for programme_id, pk, number, status in ReviewCase.objects.filter(
            programme__in=ids).order_by("number").values_list("programme_id", "pk", "number", "status"):
        facts[programme_id].append(CaseFacts(
            number=number, status=status, resolution=resolutions.get(pk), effort_facts=tuple(efforts[pk]),
            corrections=tuple(corrections[pk]), register=tuple(register[pk]),
            extracts=tuple(extracts[programme_id]), municipality=municipality[programme_id]))
    return {pk: known_by(cases, until) for pk, cases in facts.items()}


def all_afklaret_og_visiteret(programme, *, on: datetime.date) -> Measure:
    """``resolved_facts`` for a programme (see there for the rule and its source), with the
    facts known at the end of ``on``."""
    return resolved_facts(load_facts(programme, until=on), on=on)


def monthly_effort_share(programme, month: datetime.date) -> Measure:
    """``effort_share_facts`` for a programme, with the programme's denominator parameter and
    the facts known today."""
    return effort_share_facts(load_facts(programme), month=month, denominator=programme.denominator)


def last_months(today: datetime.date, n: int = 12) -> list[datetime.date]:
    """The first days of the ``n`` months up to and including ``today``'s, oldest first."""
    return months_between(add_months(today.replace(day=1), 1 - n), today)
