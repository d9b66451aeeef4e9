"""The Kvik-linje in the demo universe.

- Hus Forbi (user organisation), with the persona user ``husforbi`` as staff and a key; Jan
  Olsen (København) has given Hus Forbi consent to see his cases and ask about them.
- Aarhus Kommune (municipality), with ``sagsbehandler.aarhus`` as staff and a key; it sees
  Aarhus citizens such as Karen Holm.
- SAND, Ældre Sagen, Rådet for Socialt Udsatte and Lev as user organisations without keys.
- Questions: one of Hus Forbi's answered by Udbetaling Danmark (``udk``), one open; one of
  Aarhus Kommune's open and past its deadline.
The keys' secrets are not kept (they are shown once when made); use
``helhed fasttrack create-key`` to get one to try the API with. Deterministic for ``today``.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from helhed.casework.models import BenefitArea, Case
from helhed.casework.services import open_case
from helhed.core.calendar import COPENHAGEN
from helhed.core.models import User
from helhed.fasttrack import services
from helhed.fasttrack.models import ConsentKind, ConsentScope, KeyScope, KeyUsage, OrganisationKind
from helhed.fasttrack.rules import KVIK_LINJE_AUTHORITY
from helhed.registry.models import Citizen

OTHER_USER_ORGANISATIONS = ["SAND", "Ældre Sagen", "Rådet for Socialt Udsatte", "Lev"]


def _case_of(citizen: Citizen, today: datetime.date) -> Case:
    """The citizen's newest case at Udbetaling Danmark (the only cases on the Kvik-linje)."""
    case = (Case.objects.filter(citizen=citizen, authority=KVIK_LINJE_AUTHORITY)
            .order_by("-opened_on", "reference").first())
    return case or open_case(citizen=citizen, benefit_area=BenefitArea.BOLIGSTOETTE,
                             opened_on=today - datetime.timedelta(days=20), actor=None)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=COPENHAGEN)


def build_fasttrack_demo(*, today: datetime.date, personas: dict[str, Citizen]) -> dict:
    users = {u.username: u for u in User.objects.filter(username__in=["husforbi", "sagsbehandler.aarhus",
                                                                       "sagsbehandler.kbh", "udk"])}
    husforbi = services.create_organisation(name="Hus Forbi", kind=OrganisationKind.USER_ORGANISATION, is_demo=True)
    aarhus = services.create_organisation(name="Aarhus Kommune", kind=OrganisationKind.MUNICIPALITY,
                                          municipality_id=751, is_demo=True)
    for name in OTHER_USER_ORGANISATIONS:
        services.create_organisation(name=name, kind=OrganisationKind.USER_ORGANISATION, is_demo=True)
    if "husforbi" in users:
        husforbi.members.add(users["husforbi"])
    if "sagsbehandler.aarhus" in users:
        aarhus.members.add(users["sagsbehandler.aarhus"])

    made = _at(today - datetime.timedelta(days=30), 9)
    hf_key, _ = services.create_key(organisation=husforbi, name="Rådgivningen", scopes=KeyScope.values, now=made)
    aarhus_key, _ = services.create_key(organisation=aarhus, name="Borgerservice-integration",
                                        scopes=KeyScope.values, now=made)
    # A little usage history, so the organisation's page shows it.
    minute = int(timezone.now().timestamp()) // 60
    KeyUsage.objects.bulk_create([KeyUsage(key=hf_key, minute=minute - 60 * 24 * d, calls=3 + d % 4)
                                  for d in range(0, 20, 3)]
                                 + [KeyUsage(key=aarhus_key, minute=minute - 60 * 24 * d, calls=40 + d)
                                    for d in range(0, 20, 2)])

    jan, karen = personas.get("jan"), personas.get("karen")
    questions = []
    if jan is not None:
        services.register_consent(
            citizen=jan, organisation=husforbi, kind=ConsentKind.POWER_OF_ATTORNEY,
            scopes=[ConsentScope.CASE_STATUS, ConsentScope.QUESTIONS], valid_from=today - datetime.timedelta(days=60),
            valid_until=today + datetime.timedelta(days=305), actor=users.get("sagsbehandler.kbh"))
        case = _case_of(jan, today)
        answered, _ = services.ask_question(
            key=hf_key, case=case, subject="Hvordan får Jan sine penge uden NemKonto?",
            body="Jan har ingen NemKonto og ingen fast adresse. Han kommer i vores salgssted hver uge. "
                 "Hvordan kan han få udbetalt pengene, og hvad skal han gøre?",
            idempotency_key="demo-1", now=_at(today - datetime.timedelta(days=9), 10))
        if "udk" in users:
            services.answer_question(
                question=answered, actor=users["udk"], now=_at(today - datetime.timedelta(days=8), 14),
                answer="Kommunen kan udbetale pengene på en anden måde, fx kontant, indtil Jan har en NemKonto. "
                       "Jan kan få en konto gennem Udbetaling Danmarks bank. Kom med ham i Borgerservice, så hjælper "
                       "de med at oprette den.")
        open_q, _ = services.ask_question(
            key=hf_key, case=case, subject="Jan forstår ikke brevet om partshøring",
            body="Jan har fået et brev, han ikke forstår. Hvad skal han svare, og hvornår er fristen?",
            idempotency_key="demo-2", now=_at(today - datetime.timedelta(days=1), 11))
        questions += [answered, open_q]
    if karen is not None:
        overdue, _ = services.ask_question(
            key=aarhus_key, case=_case_of(karen, today), subject="Status på boligstøtte efter flytning",
            body="Karen er flyttet. Er den nye adresse kommet med i sagen om boligstøtte?",
            idempotency_key="demo-3", now=_at(today - datetime.timedelta(days=10), 9))
        questions.append(overdue)
    return {"organisations": [husforbi, aarhus], "questions": questions}
