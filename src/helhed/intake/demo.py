"""Applications, help and representation in the demo universe.

Erik Sørensen (Lolland) applies for boligstøtte on paper, sent by his daughter Mette Sørensen
Lund with her fuldmagt; Karen Holm (Aarhus) has a helhedsvurdering finding special needs with
a named contact person; Jan Olsen (Copenhagen, no NemKonto) applies for kontanthjælp in
person with help, which puts a NemKonto task in the queue; Amira Hassan (Odense) applies for
børne- og ungeydelse by phone; Udbetaling Danmark's guidance to Erik by phone and letter is on
record. Generated applications over 18 months let the channel chart
show the digital share rising (seed 004: Aarhus went from 20 % to 75 %). Deterministic for a
given ``today``."""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile

from helhed.casework.models import BenefitArea
from helhed.core.models import User
from helhed.intake import services
from helhed.intake.models import Channel, GuidanceChannel, SubmittedBy
from helhed.intake.questions import QUESTIONS
from helhed.registry import services as registry
from helhed.registry.models import Citizen

SCAN = b"%PDF-1.4\n% Fiktiv scannet ansoegning (demo)\n%%EOF\n"
MONTHS = 18
PER_MONTH = 12


def _answers(area: str, today: datetime.date) -> dict[str, str]:
    values = {"date": today.isoformat(), "number": "2", "yesno": "nej", "text": "Se vedlagte."}
    return {q.key: values[q.kind] for q in QUESTIONS[area]}


def build_intake_demo(*, today: datetime.date, personas: dict[str, Citizen]) -> None:
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    udk, now = users["udk"], datetime.datetime.combine(today, datetime.time(10), tzinfo=datetime.UTC)
    erik, mette, karen, jan, amira = (personas[k] for k in ("erik", "mette", "karen", "jan", "amira"))

    rep = erik.representations.filter(representative=mette).first()
    services.register_application(
        actor=udk, citizen=erik, benefit_area=BenefitArea.BOLIGSTOETTE, channel=Channel.PAPER,
        received_on=today - datetime.timedelta(days=6), submitted_by=SubmittedBy.REPRESENTATIVE,
        representation=rep, answers={"rent": "4850", "persons": "1", "moved_in": "1998-05-01"}, today=today,
        now=now, idempotency_key="demo-erik", help_kind="scanned",
        help_text="Mette udfyldte blanketten sammen med Erik og sendte den.",
        attachment=ContentFile(SCAN, name="erik.pdf"))
    registry.record_needs_assessment(
        citizen=karen, actor=users["sagsbehandler.aarhus"], factors=["psychiatric", "physical", "digital"],
        factors_note="Depression og rygsmerter; har ikke brugt selvbetjening.",
        citizen_description="Jeg bliver forvirret af skærmen og tør ikke trykke på noget. Brevene forstår jeg "
                            "ikke. Jeg vil gerne have én person, jeg kan ringe til.",
        conclusion="special_needs",
        reasoning="Karens egen beskrivelse vægter tungt: hun kan ikke søge eller følge sine sager digitalt, "
                  "og hun har brug for, at kommunen tager kontakten til Udbetaling Danmark.",
        contact_person=users["sagsbehandler.aarhus"], assessed_on=today - datetime.timedelta(days=30),
        review_on=today + datetime.timedelta(days=335))
    services.register_application(
        actor=users["sagsbehandler.kbh"], citizen=jan, benefit_area=BenefitArea.KONTANTHJAELP,
        channel=Channel.IN_PERSON, received_on=today - datetime.timedelta(days=2), submitted_by=SubmittedBy.STAFF,
        answers={"lost_income_on": (today - datetime.timedelta(days=40)).isoformat(), "savings": "nej",
                 "cohabiting": "nej"}, today=today, now=now, idempotency_key="demo-jan", help_kind="filled_in_for",
        help_text="Jan kom med sin gadeplansmedarbejder; vi udfyldte ansøgningen sammen ved skranken.")
    services.register_application(
        actor=udk, citizen=amira, benefit_area=BenefitArea.BOERNE_UNGEYDELSE, channel=Channel.PHONE,
        received_on=today - datetime.timedelta(days=1), submitted_by=SubmittedBy.CITIZEN,
        answers={"children": "2", "resident": "ja"}, today=today, now=now, idempotency_key="demo-amira",
        help_kind="interpreter", help_text="Samtalen foregik med tolk på arabisk.",
        call_note="Amira ringede. Vi læste spørgsmålene op, og hun svarede. Vi sender brev på papir.")
    services.refer_to_municipality(actor=udk, citizen=amira, today=today - datetime.timedelta(days=1),
                                   reason="Amira forstod ikke brevet om partshøring og bad om hjælp. Taler kun "
                                          "lidt dansk og har ingen erfaring med selvbetjening.",
                                   idempotency_key="demo-amira-referral")
    # Udbetaling Danmark's guidance to Erik on the record (the evidence if he complains).
    services.record_guidance(
        actor=udk, citizen=erik, contacted_on=today - datetime.timedelta(days=12), channel=GuidanceChannel.PHONE,
        benefit_area=BenefitArea.BOLIGSTOETTE, topic="Kan Erik få boligstøtte som pensionist?",
        advice="Ja, hvis huslejen og indtægten giver ret. Han kan søge på papir; vi sender en blanket, og hans "
               "datter kan hjælpe med en fuldmagt.", today=today)
    services.record_guidance(
        actor=udk, citizen=erik, contacted_on=today - datetime.timedelta(days=2), channel=GuidanceChannel.LETTER,
        benefit_area=BenefitArea.BOLIGSTOETTE, topic="Hvornår bliver ansøgningen afgjort?",
        advice="Ansøgningen er modtaget. Vi skriver, hvis vi mangler oplysninger; ellers får du afgørelsen med "
               "posten inden for fire uger.", today=today)

    _generated(today=today, udk=udk, users=users)


def _generated(*, today: datetime.date, udk: User, users: dict[str, User]) -> None:
    """Historic applications from Aarhus citizens; the digital share rises from about 20 % to
    about 75 % over ``MONTHS`` months."""
    rng = random.Random(4)
    citizens = list(Citizen.objects.filter(home_municipality_id=751, user__isnull=True)[:30])
    if not citizens:
        return
    counter = users["sagsbehandler.aarhus"]
    areas = list(BenefitArea.values)
    start = today.replace(day=1)
    for _ in range(MONTHS - 1):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    month = start
    index = 0
    while month <= today:
        progress = (month.year - start.year) * 12 + month.month - start.month
        share = 0.20 + 0.55 * progress / (MONTHS - 1)
        digital = round(share * PER_MONTH)
        for n in range(PER_MONTH):
            index += 1
            citizen = rng.choice(citizens)
            area = rng.choice(areas)
            day = min(month + datetime.timedelta(days=rng.randrange(27)), today)
            if n < digital:
                actor, channel, extra = None, Channel.DIGITAL, {}
            elif n % 2:
                actor, channel, extra = udk, Channel.PAPER, {"attachment": ContentFile(SCAN, name="scan.pdf"),
                                                             "help_kind": "scanned"}
            else:
                actor, channel, extra = counter, Channel.IN_PERSON, {"help_kind": "filled_in",
                                                                     "help_text": "Hjulpet ved skranken."}
            if actor is None:  # a digital application, as if sent from self-service
                _digital(citizen=citizen, area=area, day=day, udk=udk, index=index)
                continue
            services.register_application(
                actor=actor, citizen=citizen, benefit_area=area, channel=channel, received_on=day,
                submitted_by=SubmittedBy.STAFF, answers=_answers(area, day), today=today,
                now=datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC),
                idempotency_key=f"demo-gen-{index}", send_receipt=False, duplicate_confirmed=True,  # a new period
                **extra)
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def _digital(*, citizen: Citizen, area: str, day: datetime.date, udk: User, index: int) -> None:
    """A digital self-service application of a generated citizen (who has no login in the
    demo): stored as the channel it came by, with its case."""
    from helhed.casework import services as casework
    from helhed.casework.models import deciding_authority
    from helhed.intake.models import Application, ApplicationStatus

    case = casework.open_case(citizen=citizen, benefit_area=area, opened_on=day, actor=None, send_receipt=False)
    Application.objects.create(
        citizen=citizen, municipality_id=citizen.home_municipality_id, benefit_area=area,
        authority=deciding_authority(area), channel=Channel.DIGITAL, status=ApplicationStatus.SUBMITTED,
        received_on=day, submitted_by=SubmittedBy.CITIZEN, created_by=udk, answers=_answers(area, day),
        idempotency_key=f"demo-digital-{index}", case=case,
        submitted_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC))
