"""Tranche milestones: when is a tranche earned, and when is it lost? Pure functions over
the review programme's facts (``helhed.review.measures.CaseFacts``) and dates.

Seed 002 (press release 9 April 2017): "Puljen udbetales i tre rater: 30 pct. ved start,
40 pct. når hele bruttomålgruppen er afklaret og visiteret, og 30 pct. når mindst 40 pct. af
modtagerne har været i virksomhedsrettet indsats i tre sammenhængende måneder." A tranche
has a latest date; a milestone not met by then (or met after it) forfeits the tranche, and
the money becomes unclaimed (issue "Grant pools").
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from helhed.core.calendar import month_bounds, months_between
from helhed.pools.allocation import largest_remainder
from helhed.review import measures
from helhed.review.measures import CaseFacts

MILESTONE_RULE_VERSION = "2"


def rule_version() -> str:
    """The version stored with every decision: this module's rules and the review measures'."""
    return f"puljer-{MILESTONE_RULE_VERSION}/gennemgang-{measures.RULE_VERSION}"


@dataclass
class Outcome:
    """A milestone's state for one municipality: the day it was met (None: not met) and the
    counts behind the answer."""

    met_on: datetime.date | None
    evidence: dict = field(default_factory=dict)


class Decision:
    PAY = "pay"
    FORFEIT = "forfeit"
    WAIT = "wait"


def decide(*, met_on: datetime.date | None, latest_on: datetime.date, today: datetime.date) -> str:
    """Pay when the milestone was met on or before its latest date; forfeit when it was met
    after it ("met late") or is still not met after it; otherwise wait.

    Source: seed 002 (the tranche schedule); issue "Grant pools" ("a municipality that misses
    a milestone's latest date forfeits that tranche")."""
    if met_on is not None and met_on <= today:
        return Decision.PAY if met_on <= latest_on else Decision.FORFEIT
    return Decision.FORFEIT if today > latest_on else Decision.WAIT


def tranche_amounts(amount: Decimal, percents: dict[int, Decimal], unit: int = 1) -> dict[int, Decimal]:
    """A municipality's grant split over the tranches by their percentages, in whole units,
    summing exactly to the grant (largest remainder; ties to the larger percentage, then the
    earlier tranche). Source: seed 002 (30/40/30 %); DOMAIN.md ("Allocations must sum exactly")."""
    if amount <= 0:
        return dict.fromkeys(percents, Decimal(0))
    units = int(amount / unit)
    weights = {number: int(p * 100) for number, p in percents.items()}
    return {number: Decimal(n * unit) for number, n in largest_remainder(units, weights).items()}


def at_start(*, period_start: datetime.date, allocated_on: datetime.date) -> Outcome:
    """The first tranche is earned when the grant is allocated and the period has begun
    (seed 002: "30 pct. ved start", to hire front-line staff)."""
    return Outcome(max(period_start, allocated_on), {"period_start": period_start.isoformat(),
                                                     "allocated_on": allocated_on.isoformat()})


def entered_by(*, latest_on: datetime.date, today: datetime.date) -> datetime.date:
    """The cut-off for the facts a tranche may count: those entered (and, where a second
    person must approve, approved) by the end of the tranche's latest date in Danish time,
    or of today before then. Source: issue 17 ("A milestone counts a fact only if it was
    entered by the tranche's deadline (Danish time)"); DOMAIN.md ("deadlines are Danish
    (Europe/Copenhagen)")."""
    return min(latest_on, today)


def all_resolved(facts: Sequence[CaseFacts] | None, *, today: datetime.date,
                 entered_by: datetime.date | None = None) -> Outcome:
    """The day the whole gross target group became afklaret og visiteret (or closed), if it
    has by ``today``: the last of the cases' resolution days, counting only the facts known
    at the end of ``entered_by`` (``measures.known_by``). The test is
    ``helhed.review.measures.resolved_facts`` on that day (seed 002, second tranche)."""
    if not facts:
        return Outcome(None, {"programme": False, "reason": "Ingen gennemgang med sager for kommunen."})
    facts = measures.known_by(facts, entered_by or today)
    days = []
    for c in facts:
        candidates = [d for d in (c.visiteret_on, c.closed_on) if d is not None]
        days.append(min(candidates) if candidates else None)
    met_on = max(days) if all(days) and max(days) <= today else None
    m = measures.resolved_facts(facts, on=met_on or today)
    return Outcome(met_on, {"programme": True, "measure": m.name, "on": m.period, "resolved": m.numerator,
                            "gross_target_group": m.denominator, "not_resolved": m.evidence["not_resolved"],
                            **measures.facts_evidence(facts)})


def share_reached(numerator: int, denominator: int, threshold: Decimal) -> bool:
    """numerator / denominator ≥ threshold %, exactly (no floats); a month without recipients
    does not count."""
    return denominator > 0 and Decimal(numerator) * 100 >= threshold * denominator


def consecutive_months(facts: Sequence[CaseFacts] | None, *, start: datetime.date, today: datetime.date,
                       threshold: Decimal, months: int, denominator: str = "system",
                       entered_by: datetime.date | None = None) -> Outcome:
    """The end of the first run of ``months`` consecutive complete months in which at least
    ``threshold`` % of the month's recipients were in virksomhedsrettet indsats (the monthly
    measure is ``helhed.review.measures.effort_share_facts``). Only months that have ended by
    ``today`` count, and only the facts known at the end of ``entered_by``
    (``measures.known_by``: efforts entered by then, the newest extract imported by then).
    Source: seed 002, third tranche ("mindst 40 pct. ... i tre sammenhængende måneder")."""
    if not facts:
        return Outcome(None, {"programme": False, "reason": "Ingen gennemgang med sager for kommunen."})
    facts = measures.known_by(facts, entered_by or today)
    last_complete = today.replace(day=1) - datetime.timedelta(days=1)
    rows, run = [], 0
    met_on = None
    for month in months_between(start, last_complete):
        m = measures.effort_share_facts(facts, month=month, denominator=denominator, target=float(threshold) / 100)
        reached = share_reached(m.numerator, m.denominator, threshold)
        rows.append({"month": m.period, "recipients": m.denominator, "in_virksomhedsrettet_indsats": m.numerator,
                     "reached": reached, "recipient_cases": m.evidence["recipients"],
                     "cases_in_effort": m.evidence["in_virksomhedsrettet_indsats"],
                     "shown_out_of_benefit": m.evidence["shown_out_of_benefit"]})
        run = run + 1 if reached else 0
        if run >= months:
            met_on = month_bounds(month)[1]
            break
    return Outcome(met_on, {"programme": True, "threshold_percent": str(threshold), "months_required": months,
                            "denominator": denominator, "gross_target_group": len(facts), "months": rows,
                            **measures.facts_evidence(facts)})
