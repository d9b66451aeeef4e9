"""What happens now, and when: the "Hvad sker der nu?" section a citizen reads after every
submission (a booking, an acute request, an application, a complaint, a hearing answer).
One place for the expected answer times; each comes from the rule that sets it, cited:

- a booked time: the confirmation is sent at once and a reminder ``REMINDER_HOURS`` before
  (``helhed.borgerservice.services``, our parameter);
- an acute request: triaged by its ``triage_due`` date (``borgerservice.policy.triage_deadline``,
  seed 003: an acute matter that needs attendance gets an appointment);
- an application: the deciding authority's published processing time (sagsbehandlingsfrist),
  which retssikkerhedsloven § 3, stk. 2 makes the municipality set and publish per area; when
  it cannot be kept, the applicant is told in writing when to expect a decision (§ 3, stk. 3);
  before a decision against the applicant on facts they do not know comes a partshøring with
  ``HEARING_ANSWER_DAYS`` days to answer (forvaltningsloven §§ 19 and 21);
- a complaint: reconsidered within 4 weeks of receipt (retssikkerhedsloven § 66,
  ``casework.policy.reconsideration_deadline``), else forwarded to Ankestyrelsen;
- a hearing answer: read before the case is decided (forvaltningsloven § 19); no deadline of
  its own, the decision letter follows.
"""

from __future__ import annotations

import datetime

from django.template.defaultfilters import date as format_date


def _long(day: datetime.date) -> str:
    return format_date(day, "l j. F Y")


def after_booking(*, told_by: str | None) -> list[str]:
    """``told_by``: how the booker hears from us (``borgerservice.outbox.recipient_for``:
    "sms", "email", or None when there is no phone number or e-mail)."""
    from helhed.borgerservice.services import REMINDER_HOURS

    how = {"sms": "på SMS", "email": "på e-mail"}.get(told_by or "")
    first = (f"Du får en bekræftelse {how} nu og en påmindelse {REMINDER_HOURS} timer før din tid." if how
             else "Vi har ikke dit telefonnummer eller din e-mail, så du får ingen bekræftelse eller påmindelse. "
                  "Skriv tiden ned.")
    return [first, "Mød op et par minutter før. Kan du ikke komme, så aflys tiden, så en anden kan få den."]


def after_acute_request(*, triage_due: datetime.date | None) -> list[str]:
    when = f"senest {_long(triage_due)}" if triage_due else "hurtigst muligt"
    return [
        f"En medarbejder vurderer din anmodning {when}.",
        "Du får besked, uanset om du får en tid eller ej. Får du ikke en tid, får du at vide hvorfor, "
        "og hvor du ellers kan få hjælp.",
    ]


def after_application(*, authority_label: str) -> list[str]:
    from helhed.casework.policy import HEARING_ANSWER_DAYS

    return [
        f"{authority_label} behandler din ansøgning. Du kan se, hvor lang tid det normalt tager "
        "(sagsbehandlingstiden), på myndighedens hjemmeside. Kan den tid ikke holdes, skriver vi til dig "
        "og fortæller, hvornår du kan forvente et svar.",
        f"Har vi brug for flere oplysninger, eller vil vi afgøre sagen på oplysninger, du ikke kender, "
        f"skriver vi til dig først. Så har du {HEARING_ANSWER_DAYS} dage til at svare.",
        "Du får afgørelsen i Digital Post eller som brev. Du kan altid se sagen under »Mine ansøgninger«.",
    ]


def after_complaint(*, received_on: datetime.date) -> list[str]:
    from helhed.casework.policy import reconsideration_deadline

    return [
        f"Vi ser på sagen igen og skriver til dig senest {_long(reconsideration_deadline(received_on))}.",
        "Giver vi dig ikke ret i det hele, sender vi klagen videre til Ankestyrelsen, og du får besked.",
    ]


def after_hearing_answer() -> list[str]:
    return [
        "Vi læser dit svar, før vi afgør sagen.",
        "Du får afgørelsen i Digital Post eller som brev.",
    ]
