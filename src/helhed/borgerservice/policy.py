"""Borgerservice's rules as pure functions, apart from the writes that apply them
(``services``) and the reads that show them (``selectors``): the mode a service point is in
on a day, when an acute request is acute, by when and in which order acute requests are
triaged, and how a booking reference is kept."""

from __future__ import annotations

import datetime
import hashlib

from helhed.borgerservice.models import AcuteReason, Appointment, Mode, ServicePoint
from helhed.core.calendar import add_business_days, is_business_day, next_business_day


def effective_mode(*, point: ServicePoint, day: datetime.date) -> str:
    """The mode a service point is in on ``day``: a restriction (acute only, closed) applies
    within its period (open-ended when a date is empty); outside it the point is open.
    Seed 003: centres may close or restrict service, for a period shown to citizens."""
    if point.mode == Mode.OPEN:
        return Mode.OPEN
    if point.mode_from and day < point.mode_from:
        return Mode.OPEN
    if point.mode_until and day > point.mode_until:
        return Mode.OPEN
    return point.mode


# Our parameters for triage (seed 003 names what is acute, not how fast it is answered).
KEY_CARD_REASON = "mitid"  # the acute reason that is a key card (NemID/MitID) need
TRIAGE_BUSINESS_DAYS = 1


def triage_deadline(*, reason: AcuteReason, travel_date: datetime.date | None, today: datetime.date) -> datetime.date:
    """By when staff must triage an acute request. Seed 003: citizens with an urgent need
    for a passport must be able to order one, and key cards must still be handed out. Our
    parameters: a key-card need is triaged the same business day (without it the citizen
    cannot log on to Digital Post, borger.dk or the bank); other requests within
    ``TRIAGE_BUSINESS_DAYS`` business days, but never later than the business day before
    the travel date."""
    first = next_business_day(today)
    if reason.code == KEY_CARD_REASON:
        return first
    due = add_business_days(first, TRIAGE_BUSINESS_DAYS)
    if travel_date is not None:
        before = travel_date - datetime.timedelta(days=1)
        while before > first and not is_business_day(before):
            before -= datetime.timedelta(days=1)
        due = max(first, min(due, before))
    return due


def urgency(appointment: Appointment) -> tuple:
    """The order acute requests are triaged in: the earliest triage deadline first; on the
    same deadline a travel date (soonest first), then a key-card need, then the rest; then
    the order of arrival."""
    rank = 0 if appointment.travel_date else (
        1 if appointment.acute_reason_id and appointment.acute_reason.code == KEY_CARD_REASON else 2)
    return (appointment.triage_due or datetime.date.max, rank, appointment.travel_date or datetime.date.max,
            appointment.created_at)


def acute_reason_problem(
    *, reason: AcuteReason | None, description: str, travel_date: datetime.date | None, today: datetime.date
) -> dict[str, str]:
    """Why an acute request is not (yet) acute enough, per field; empty when it is.

    Seed 003: "såfremt en borgers henvendelse er akut med behov for fremmøde, bør kommunerne
    lave en aftale"; "borgere med fx et uopsætteligt behov for nyt pas" (a travel date
    within the reason's ``within_days``); "udlevering af nøglekort til NemID". A reason that
    requires a description (other) must have one."""
    if reason is None:
        return {"acute_reason": "Vælg, hvorfor din henvendelse er akut."}
    problems = {}
    if reason.requires_description and not description.strip():
        problems["acute_description"] = "Beskriv, hvorfor din henvendelse er akut."
    if reason.within_days is not None:
        if travel_date is None:
            problems["travel_date"] = "Skriv datoen for rejsen."
        elif travel_date < today:
            problems["travel_date"] = "Rejsedatoen ligger i fortiden."
        elif travel_date > today + datetime.timedelta(days=reason.within_days):
            problems["travel_date"] = (f"Rejsen skal ligge inden for {reason.within_days} dage for at være akut. "
                                       "Bestil pas på borger.dk eller book en tid, når der åbner igen.")
    return problems


def hash_reference(reference: str) -> str:
    normalised = "".join(ch for ch in reference.upper() if ch.isalpha())
    return hashlib.sha256(normalised.encode()).hexdigest()
