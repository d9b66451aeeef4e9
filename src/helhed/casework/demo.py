"""Casework in the demo universe: cases for the personas in every state, with letters
delivered through the outbox, so every casework page shows something.

- Karen Holm (Aarhus): kontanthjælp in partshøring (the municipality's case; the hearing
  holds: no refusal before its deadline) and boligstøtte granted (Udbetaling Danmark's), with
  an efterregulering, a hearing about repayment answered by her contact person, and the
  repayment claim. If the municipality has assessed her as having special needs (the intake
  demo does), her letters name her contact person and go to them with a task to explain them
  (``services.queue_letter``); the contact person has written a note in the boligstøtte case
  and asked Udbetaling Danmark about the repayment (waiting in its Kvik-linje queue).
- Erik Sørensen (Lolland): folkepension granted; he is exempt from Digital Post, so his
  letters are in the print queue. His daughter Mette has power of attorney and sees them,
  and his cases, letters and hearings on her "Digital Post" (``/sager/post/for/<Erik>/``).
- Jan Olsen (København): kontanthjælp granted; no NemKonto, so it is paid in cash and the
  municipality gets a NemKonto task.
- Amira Hassan (Odense): børne- og ungeydelse received.
- Karen's førtidspension refused and complained about, in reconsideration (genvurdering)
  at Aarhus; Erik's
  boligstøtte under processing; an old, closed case of Jan's.
- Mads Kristensen (Aalborg): boligstøtte refused, complaint forwarded to Ankestyrelsen,
  outcome "not adequately guided", back payment computed and paid.
Deterministic for a given ``today``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from helhed.casework import outbox, services
from helhed.casework.models import BenefitArea, Case, ComplaintOutcome
from helhed.core.models import User
from helhed.fasttrack.services import ask_about_case
from helhed.registry.models import Citizen
from helhed.registry.selectors import special_needs_contact


def _staff(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _fresh(case: Case) -> Case:
    return Case.objects.select_related("citizen", "municipality").get(pk=case.pk)


def build_casework_demo(*, today: datetime.date, personas: dict[str, Citizen]) -> dict[str, Case]:
    aarhus, kbh, udk = _staff("sagsbehandler.aarhus"), _staff("sagsbehandler.kbh"), _staff("udk")
    day = lambda n: today - datetime.timedelta(days=n)  # noqa: E731
    cases: dict[str, Case] = {}

    karen = personas["karen"]
    c = services.open_case(citizen=karen, benefit_area=BenefitArea.KONTANTHJAELP, opened_on=day(40), actor=aarhus)
    c = services.start_processing(case=c, version=c.version, actor=aarhus, on=day(38))
    c = services.send_hearing(case=c, version=c.version, actor=aarhus, on=day(5),
                              facts="Vi kan se, at du fik 4.000 kr. fra et job i sidste måned.")
    cases["karen_kontanthjaelp"] = c

    c = services.open_case(citizen=karen, benefit_area=BenefitArea.BOLIGSTOETTE, opened_on=day(420), actor=udk)
    c = services.start_processing(case=c, version=c.version, actor=udk, on=day(415))
    c = services.grant(case=c, version=c.version, actor=udk, on=day(400), monthly_amount=Decimal("1850.00"),
                       starts_on=day(400).replace(day=1))
    c = services.efterregulering(case=c, version=c.version, actor=udk, on=day(50), year=today.year - 1,
                                 difference=Decimal("-1250.00"))
    c = services.send_hearing(case=_fresh(c), version=c.version, actor=udk, on=day(48),
                              facts="Vi mener, at du skal betale 1.250 kr. tilbage, fordi din indtægt steg sidste år.")
    contact = _staff("sagsbehandler.aarhus")
    c = services.respond_to_hearing(case=_fresh(c), version=c.version, actor=contact or udk, on=day(40),
                                    response="answered", responded_by="staff", channel="in_person",
                                    answer="Karen siger, at hun fik en bonus én gang. Hun kan betale 250 kr. om "
                                           "måneden.")
    c = services.claim_repayment(case=_fresh(c), version=c.version, actor=udk, on=day(29), amount=Decimal("1250.00"),
                                 reason="Du fik for meget i boligstøtte sidste år, fordi din indtægt steg.",
                                 due_on=today + datetime.timedelta(days=30))
    cases["karen_boligstoette"] = c

    erik = personas["erik"]
    c = services.open_case(citizen=erik, benefit_area=BenefitArea.FOLKEPENSION, opened_on=day(60), actor=udk,
                           representative=personas.get("mette"))
    c = services.start_processing(case=c, version=c.version, actor=udk, on=day(55))
    c = services.grant(case=c, version=c.version, actor=udk, on=day(20), monthly_amount=Decimal("7198.00"),
                       starts_on=(today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1))
    cases["erik_folkepension"] = c

    jan = personas["jan"]
    c = services.open_case(citizen=jan, benefit_area=BenefitArea.KONTANTHJAELP, opened_on=day(25), actor=kbh)
    c = services.start_processing(case=c, version=c.version, actor=kbh, on=day(24))
    c = services.grant(case=c, version=c.version, actor=kbh, on=day(10), monthly_amount=Decimal("12100.00"),
                       starts_on=day(10))
    cases["jan_kontanthjaelp"] = c

    amira = personas["amira"]
    cases["amira_boerneydelse"] = services.open_case(citizen=amira, benefit_area=BenefitArea.BOERNE_UNGEYDELSE,
                                                     opened_on=day(3), actor=None)

    c = services.open_case(citizen=jan, benefit_area=BenefitArea.KONTANTHJAELP, opened_on=day(900), actor=kbh,
                           send_receipt=False)
    c = services.start_processing(case=c, version=c.version, actor=kbh, on=day(899))
    c = services.grant(case=c, version=c.version, actor=kbh, on=day(890), monthly_amount=Decimal("11800.00"),
                       starts_on=day(890))
    cases["jan_closed"] = services.close_case(case=c, version=c.version, actor=kbh, on=day(400))

    c = services.open_case(citizen=karen, benefit_area=BenefitArea.FOERTIDSPENSION, opened_on=day(150), actor=aarhus)
    c = services.start_processing(case=c, version=c.version, actor=aarhus, on=day(149))
    c = services.send_hearing(case=c, version=c.version, actor=aarhus, on=day(100),
                              facts="Lægen skriver, at du kan arbejde nogle timer om ugen med støtte.")
    c = services.start_processing(case=c, version=c.version, actor=aarhus, on=day(80))
    c = services.refuse(case=c, version=c.version, actor=aarhus, on=day(60),
                        reasons="Vi mener, at du kan arbejde nogle timer om ugen, hvis du får den rette støtte.")
    services.record_complaint(case=c, actor=karen.user, received_on=day(45),
                              text="Jeg kan ikke arbejde. Min ryg og min depression gør det umuligt.")
    cases["karen_foertidspension"] = _fresh(c)

    c = services.open_case(citizen=erik, benefit_area=BenefitArea.BOLIGSTOETTE, opened_on=day(12), actor=udk,
                           representative=personas.get("mette"))
    cases["erik_boligstoette"] = services.start_processing(case=c, version=c.version, actor=udk, on=day(8))

    mads = personas["mads"]
    c = services.open_case(citizen=mads, benefit_area=BenefitArea.BOLIGSTOETTE, opened_on=day(200), actor=udk)
    c = services.start_processing(case=c, version=c.version, actor=udk, on=day(198))
    c = services.refuse(case=c, version=c.version, actor=udk, on=day(180),
                        reasons="Du søgte først, efter at du var flyttet ind.", no_hearing_ground="kendte_oplysninger",
                        no_hearing_reason="Indflytningsdatoen står i borgerens egen ansøgning.")
    complaint = services.record_complaint(case=c, actor=mads.user, received_on=day(170),
                                          text="Ingen sagde til mig, at jeg skulle søge, før jeg flyttede ind.")
    complaint = services.forward_complaint(complaint=complaint, actor=udk, on=day(160),
                                           reasons="Boligstøtte gives tidligst fra måneden efter ansøgningen.")
    complaint = services.record_complaint_outcome(complaint=complaint, actor=udk, on=day(20),
                                                  outcome=ComplaintOutcome.MISGUIDED,
                                                  note="Borgeren burde være vejledt om at søge i tide.")
    services.correct_retroactively(complaint=complaint, actor=udk, on=day(10),
                                   should_have_received_from=day(200), monthly_rate=Decimal("1200.00"),
                                   until=day(10))
    cases["mads_boligstoette"] = _fresh(c)

    outbox.deliver(now=datetime.datetime.combine(today, datetime.time(9), tzinfo=datetime.UTC))
    return cases


def build_contact_person_demo(*, today: datetime.date, personas: dict[str, Citizen]) -> None:
    """Karen's contact person has written a note in her boligstøtte case and asked Udbetaling
    Danmark about the repayment. Run after the Kvik-linje demo, which registers the
    municipalities' organisations the question is asked as."""
    karen = personas["karen"]
    contact = special_needs_contact(karen)
    case = Case.objects.filter(citizen=karen, benefit_area=BenefitArea.BOLIGSTOETTE).first()
    if contact is None or case is None:
        return
    day = today - datetime.timedelta(days=28)
    services.add_note(case=case, actor=contact, on=day,
                      text="Jeg har læst brevet om tilbagebetaling med Karen. Hun vil gerne betale lidt ad gangen.")
    ask_about_case(actor=contact, case=case, subject="Afdrag på tilbagebetaling",
                   body="Karen kan betale 200 kr. om måneden. Kan I aftale det med hende, og skal hun gøre noget?",
                   now=datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time(9),
                                                 tzinfo=datetime.UTC))
