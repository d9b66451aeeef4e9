"""The business rules of casework, each one named, pure and with its source.

- ``ALLOWED_TRANSITIONS`` / ``check_transition``: the case's state machine.
- ``hearing_deadline``: the answer deadline in a partshøring.
- ``hearing_hold``: a decision to the citizen's disadvantage waits for the hearing.
- ``HEARING_NOT_REQUIRED_GROUNDS``: why a decision may be made without a hearing.
- ``complaint_deadline`` / ``complaint_is_late``: the 4-week complaint deadline.
- ``reconsideration_deadline``: the deciding authority's 4 weeks to reconsider.
- ``back_payment``: the amount owed when a citizen is placed as if guided correctly.
- ``payment_method``: how a payment reaches a citizen without a NemKonto.
- ``letter_channel``: Digital Post or paper.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

from helhed.casework.models import CaseStatus, LetterChannel, PaymentMethod
from helhed.core.calendar import add_months, next_business_day
from helhed.core.formats import kortdato, kroner
from helhed.registry.models import NemKontoStatus

# --- The state machine ---------------------------------------------------------------------

# Source: seed 004 (the case's timeline: received, under processing, hearing, decision,
# complaint); forvaltningsloven § 19 (partshøring before a decision against the citizen);
# a complaint is about a decision, so only a decided case can be complained about, and the
# case returns to "decided" with Ankestyrelsen's outcome. Efterregulering and
# tilbagebetaling are follow-ups on a decided (granted) case and do not change its status.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.RECEIVED: frozenset({CaseStatus.PROCESSING}),
    CaseStatus.PROCESSING: frozenset({CaseStatus.HEARING, CaseStatus.DECIDED}),
    CaseStatus.HEARING: frozenset({CaseStatus.PROCESSING, CaseStatus.DECIDED}),
    CaseStatus.DECIDED: frozenset({CaseStatus.COMPLAINT, CaseStatus.CLOSED}),
    CaseStatus.COMPLAINT: frozenset({CaseStatus.DECIDED}),
    CaseStatus.CLOSED: frozenset(),
}

_STATUS_PHRASE = {
    CaseStatus.RECEIVED: "modtaget",
    CaseStatus.PROCESSING: "under behandling",
    CaseStatus.HEARING: "i partshøring",
    CaseStatus.DECIDED: "afgjort",
    CaseStatus.COMPLAINT: "påklaget",
    CaseStatus.CLOSED: "afsluttet",
}


def check_transition(source: str, target: str) -> None:
    """Refuse a transition that ``ALLOWED_TRANSITIONS`` does not allow, in plain Danish."""
    if target not in ALLOWED_TRANSITIONS[source]:
        allowed = sorted(_STATUS_PHRASE[s] for s in ALLOWED_TRANSITIONS[source])
        then = (f" Den kan kun blive {' eller '.join(allowed)}." if allowed
                else " Den kan ikke ændres mere.")
        raise ValidationError(
            f"Sagen er {_STATUS_PHRASE[source]} og kan ikke blive {_STATUS_PHRASE[target]}.{then}",
            code="illegal_transition",
        )


# --- Deadlines -------------------------------------------------------------------------------

HEARING_ANSWER_DAYS = 14


def hearing_deadline(sent_on: datetime.date, days: int = HEARING_ANSWER_DAYS) -> datetime.date:
    """The citizen's answer deadline in a partshøring: ``days`` calendar days after the
    letter is sent (forvaltningsloven § 21: the authority sets a deadline; 14 days is the
    usual one), moved to the next business day when it falls on a weekend or a Danish
    public holiday (DOMAIN.md, "Rules and facts for the code"; ``helhed.core.calendar``)."""
    if not 1 <= days <= 366:
        raise ValidationError({"days": "Svarfristen skal være mellem 1 og 366 dage."})
    try:
        return next_business_day(sent_on + datetime.timedelta(days=days))
    except OverflowError:
        raise ValidationError({"on": "Skriv en rigtig dato."}) from None


def extended_hearing_deadline(current: datetime.date, requested: datetime.date) -> datetime.date:
    """A deadline extended on the citizen's request (forvaltningsloven § 21: the authority
    sets the deadline, so it may also extend it): the requested day, moved to the next
    business day, and always later than the deadline in force."""
    new = next_business_day(requested)
    if new <= current:
        raise ValidationError({"deadline": f"Den nye frist skal ligge efter den nuværende frist "
                                           f"{kortdato(current)}."})
    return new


def hearing_hold(*, deadline: datetime.date, responded: bool, on: datetime.date) -> str | None:
    """Why a decision to the citizen's disadvantage must wait for a partshøring, or None.

    Forvaltningsloven § 19 stk. 1 (no decision against a party before they have been heard
    and given time to comment) and § 21 (the decision waits for the party's statement
    within the deadline the authority set): while the deadline has not passed (``on`` is
    on or before it) and the citizen has neither answered nor waived the right to answer,
    the decision is refused. The deadline day itself belongs to the citizen."""
    if responded or on > deadline:
        return None
    return (f"Borgerens svarfrist i partshøringen løber til og med {kortdato(deadline)}. Der kan ikke træffes "
            "afgørelse til ugunst for borgeren før fristen er udløbet, medmindre borgeren har svaret eller "
            "givet afkald på at svare (forvaltningsloven §§ 19 og 21).")


# Why a decision may be made without a partshøring: forvaltningsloven § 19 stk. 2 and the
# limits of stk. 1 (only facts the party cannot be assumed to know, to their disadvantage, of
# essential importance). The list is our parameter, a plain-language reading of the law; the
# caseworker always writes the concrete reason too, and both go on the timeline.
HEARING_NOT_REQUIRED_GROUNDS: dict[str, str] = {
    "fuldt_medhold": "Ansøgningen imødekommes fuldt ud",
    "kendte_oplysninger": "Borgeren har selv givet oplysningerne eller kender dem",
    "uden_betydning": "Oplysningerne er ikke til ugunst for borgeren eller ikke af væsentlig betydning",
    "kan_ikke_vente": "Afgørelsen kan ikke vente",
    "andet": "Anden grund efter forvaltningsloven § 19, stk. 2",
}


def hearing_not_required_text(ground: str, reason: str) -> str:
    """The timeline's record of a decision made without a hearing: the ground and the reason."""
    if ground not in HEARING_NOT_REQUIRED_GROUNDS:
        raise ValidationError({"no_hearing_ground": "Vælg, hvorfor der ikke skal være partshøring."})
    if not reason.strip():
        raise ValidationError({"no_hearing_reason": "Skriv, hvorfor der ikke skal være partshøring."})
    return f"{HEARING_NOT_REQUIRED_GROUNDS[ground]} (forvaltningsloven § 19, stk. 2): {reason.strip()}"


# --- Complaints ----------------------------------------------------------------------------------

COMPLAINT_WEEKS = 4
RECONSIDERATION_WEEKS = 4


def complaint_deadline(delivered_on: datetime.date, weeks: int = COMPLAINT_WEEKS) -> datetime.date:
    """The last day to complain: 4 weeks from the day the citizen received the decision
    (retssikkerhedsloven § 67), so a decision received on a Monday may be complained about
    until the Monday 4 weeks later (day 28). A deadline on a weekend or a Danish public
    holiday moves to the next business day (our reading, as for every deadline in helhed,
    DOMAIN.md). The day of receipt is the day the letter was delivered (Digital Post or
    the print queue); before delivery, the decision date."""
    return next_business_day(delivered_on + datetime.timedelta(weeks=weeks))


def complaint_is_late(*, received_on: datetime.date, deadline: datetime.date) -> bool:
    """A complaint received after its deadline is late: it is flagged and the caseworker
    decides, with a reason, whether to treat it anyway (retssikkerhedsloven § 67; the
    authority may disregard the deadline when there are special reasons)."""
    return received_on > deadline


def reconsideration_deadline(received_on: datetime.date, weeks: int = RECONSIDERATION_WEEKS) -> datetime.date:
    """The deciding authority's deadline to reconsider a complaint (genvurdering) and either
    change the decision or forward the complaint to Ankestyrelsen: 4 weeks after it was
    received (retssikkerhedsloven § 66), moved to the next business day."""
    return next_business_day(received_on + datetime.timedelta(weeks=weeks))


# --- Back payment ------------------------------------------------------------------------------

ØRE = Decimal("0.01")


@dataclass(frozen=True)
class BackPayment:
    monthly_rate: Decimal
    start: datetime.date
    end: datetime.date
    whole_months: int
    remaining_days: int
    days_in_month: int
    amount: Decimal

    def explanation(self) -> str:
        parts = [f"{self.whole_months} hele måneder à {kroner(self.monthly_rate)}"]
        if self.remaining_days:
            parts.append(f"{self.remaining_days} dage af {self.days_in_month} dage à "
                         f"{kroner(self.monthly_rate)} om måneden")
        return (f"Fra {kortdato(self.start)} til {kortdato(self.end)}: " + " og ".join(parts)
                + f" = {kroner(self.amount)}")


def back_payment(*, monthly_rate: Decimal, start: datetime.date, end: datetime.date) -> BackPayment:
    """What a citizen must be paid when placed as if guided correctly from ``start`` until
    ``end`` (the day the benefit was, or will be, paid from; not included).

    Rule: seed 004 (a citizen who did not get enough guidance may, through Ankestyrelsen,
    be placed as if correct guidance had been given from the start, and receive the help
    retroactively). The amount is the monthly rate × the whole months counted from
    ``start`` (``add_months``), plus the remaining days pro rata: monthly rate × days /
    the number of days in the calendar month where the remaining days begin. Computed in
    Decimal and rounded once, at the end, to whole øre (half up).
    """
    monthly_rate = Decimal(monthly_rate)
    if monthly_rate <= 0:
        raise ValidationError({"monthly_rate": "Den månedlige sats skal være større end 0 kr."})
    if end <= start:
        raise ValidationError({"start": "Datoen skal ligge før den dato, ydelsen blev udbetalt fra."})
    months = 0
    while add_months(start, months + 1) <= end:
        months += 1
    rest_from = add_months(start, months)
    days = (end - rest_from).days
    days_in_month = calendar.monthrange(rest_from.year, rest_from.month)[1]
    amount = monthly_rate * months + monthly_rate * days / days_in_month
    return BackPayment(monthly_rate=monthly_rate, start=start, end=end, whole_months=months, remaining_days=days,
                       days_in_month=days_in_month, amount=amount.quantize(ØRE, rounding=ROUND_HALF_UP))


# --- Payments and letters ------------------------------------------------------------------------

def payment_method(nemkonto: str) -> str:
    """How a payment is made. With a NemKonto (or an account through Udbetaling Danmark's
    bank) it goes to that account; without one it is paid another way (cash), never held
    back: a municipality may not withhold kontanthjælp because a citizen has no NemKonto,
    it must pay another way, e.g. in cash (Ombudsman, 2023, as cited in DOMAIN.md)."""
    if nemkonto in (NemKontoStatus.REGISTERED, NemKontoStatus.UDK_ACCOUNT):
        return PaymentMethod.NEMKONTO
    return PaymentMethod.CASH


def letter_channel(*, exempt_from_digital_post: bool, has_login: bool) -> str:
    """Where a letter goes: on paper (the print queue) when the citizen is exempt from
    Digital Post (seed 004: exemptions from mandatory digital communication) or cannot
    log in to self-service to read it; else to Digital Post."""
    if exempt_from_digital_post or not has_login:
        return LetterChannel.PRINT
    return LetterChannel.DIGITAL_POST
