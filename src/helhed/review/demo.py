"""Case review in the demo universe: a review programme for Aarhus (751).

The demo has no register result, so a small "Flere skal med" result for Aarhus is made here
from demo citizens: the persona Karen Holm (long-term kontanthjælp recipient with health
problems, her case in review), ten fictional Aarhus citizens and one member not yet in the
registry. Its benefit periods are written as a register extract (a real CSV file in
MEDIA_ROOT with its SHA-256, so the extract can be run again on the register page). The
cases are assigned to ``sagsbehandler.aarhus`` and ``jobcenterleder.aarhus`` and are worked
into every state, with efforts in the last months. Deterministic for a given ``today``.

The history is entered as the story tells it: each fact is entered on the day it takes
effect (``clock.simulated``), the programme's benefit periods come from two imported
register extracts (the second shows the citizen who moved leaving the kontanthjælp system,
so her case can be closed), and one effort entered late waits for a colleague's approval."""

from __future__ import annotations

import datetime
import hashlib
import random
from decimal import Decimal

from django.core.files.base import ContentFile

from helhed.core.calendar import COPENHAGEN
from helhed.core.cpr import cpr_blind_index
from helhed.core.models import User
from helhed.demo.cpr import demo_cpr
from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult
from helhed.register.targetgroups import get_rule
from helhed.registry import services as registry
from helhed.registry.models import Citizen
from helhed.review import clock, services
from helhed.review.models import CloseReason, EffortKind, Exemption, RehabOutcome, Status, Track

AARHUS = 751
RULE = "flere-skal-med-2017"

# (first name, last name, sex, birth date, the state the demo leaves the case in, details)
PEOPLE = [
    ("Bo", "Mikkelsen", "M", datetime.date(1969, 2, 11), "praktik", {}),
    ("Susanne", "Dahl", "K", datetime.date(1975, 6, 3), "loentilskud", {}),
    ("Ahmad", "Yilmaz", "M", datetime.date(1980, 9, 22), "ordinaere_timer", {}),
    ("Lise", "Friis", "K", datetime.date(1966, 12, 5), "rehabilitation", {}),
    ("Torben", "Berg", "M", datetime.date(1971, 4, 17), "jobparat", {}),
    ("Gitte", "Lund", "K", datetime.date(1978, 8, 29), "mentor", {}),
    ("Henrik", "Bach", "M", datetime.date(1983, 10, 9), "afklaret", {}),
    ("Nadia", "Ahmed", "K", datetime.date(1988, 3, 30), "closed", {}),
    ("Poul", "Østergaard", "M", datetime.date(1962, 7, 14), "in_review", {}),
    ("Inge", "Knudsen", "K", datetime.date(1970, 11, 2), "not_started", {}),
]


def _months_back(today: datetime.date, n: int, day: int = 1) -> datetime.date:
    month = today.replace(day=1)
    for _ in range(n):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month.replace(day=day)


def _new_cpr(born, sex, rng, taken) -> str:
    while True:
        cpr = demo_cpr(born, sex, rng, taken)
        if not Citizen.objects.filter(cpr_index=cpr_blind_index(cpr)).exists():
            return cpr


def _extract_csv(members: list[tuple[str, datetime.date]], ended: dict[str, datetime.date] | None = None) -> bytes:
    ended = ended or {}
    lines = ["cpr,kommunekode,ydelse,start,slut"]
    lines += [f"{cpr},{AARHUS},kontanthjaelp_aktivitetsparat,{start.isoformat()},"
              f"{ended[cpr].isoformat() if cpr in ended else ''}" for cpr, start in members]
    return ("\n".join(lines) + "\n").encode()


def _entered(day: datetime.date, hour: int = 10):
    """Enter the facts inside the block as on ``day`` (the demo's history)."""
    return clock.simulated(datetime.datetime.combine(day, datetime.time(hour), tzinfo=COPENHAGEN))


def _register_result(*, manager: User, members: list[tuple[str, datetime.date]], as_of: datetime.date
                     ) -> TargetGroupResult:
    """A register extract and a result for Aarhus, made by hand from the members' periods."""
    content = _extract_csv(members)
    extract = RegisterExtract(original_name="demo-aarhus-perioder.csv", description="Demo: Aarhus (fiktive borgere)",
                              sha256=hashlib.sha256(content).hexdigest(), size=len(content), periods=len(members),
                              uploaded_by=manager)
    extract.file.save("upload.csv", ContentFile(content), save=False)
    extract.save(force_insert=True)
    rule = get_rule(RULE)
    result = TargetGroupResult.objects.create(
        extract=extract, rule_name=rule.name, rule_version=rule.version, parameters=rule.parameters(),
        input_sha256=extract.sha256, as_of=as_of, counts={str(AARHUS): len(members)}, total=len(members),
        periods_read=len(members), seconds=0.0, created_by=manager,
    )
    TargetGroupMember.objects.bulk_create([
        TargetGroupMember(result=result, cpr_index=cpr_blind_index(cpr), municipality_id=AARHUS,
                          figures={"stay_start": start.isoformat(), "days_in_stay": (as_of - start).days + 1})
        for cpr, start in members
    ])
    return result


def build_review_demo(*, today: datetime.date, personas: dict[str, Citizen]) -> None:
    rng = random.Random(4751)
    taken: set[str] = set()
    staff = {u.username: u for u in User.objects.filter(is_demo=True)}
    worker, manager = staff["sagsbehandler.aarhus"], staff["jobcenterleder.aarhus"]
    as_of = _months_back(today, 13)
    started = as_of + datetime.timedelta(days=14)

    karen = personas["karen"]
    members = [(karen.cpr.replace("-", ""), datetime.date(2012, 5, 1))]
    citizens = {}
    for first, last, sex, born, state, _ in PEOPLE:
        cpr = _new_cpr(born, sex, rng, taken)
        citizens[state] = registry.register_citizen(
            cpr=cpr, first_name=first, last_name=last, home_municipality=AARHUS, today=today,
            address_line=f"Demovej {len(citizens) + 1}", postcode="8000", city="Aarhus C",
        )
        members.append((cpr, datetime.date(2008 + len(citizens) % 5, 1 + len(citizens), 1)))
    unregistered = _new_cpr(datetime.date(1974, 5, 19), "M", rng, taken)
    members.append((unregistered, datetime.date(2010, 9, 1)))

    result = _register_result(manager=manager, members=members, as_of=as_of)
    programme = services.create_programme(actor=manager, result=result, municipality_id=AARHUS,
                                          name="Flere skal med – Aarhus", started_on=started, review_days=120)
    cases = {c.citizen_id: c for c in programme.cases.all()}
    # The manager takes two cases; the rest (not the unregistered one) go to the caseworker.
    for state in ("rehabilitation", "jobparat"):
        services.assign_case(case=cases[citizens[state].pk], caseworker=manager, actor=manager, on=started)
    services.assign_case(case=cases[karen.pk], caseworker=worker, actor=manager, on=started)
    for state, citizen in citizens.items():
        if state not in ("rehabilitation", "jobparat", "not_started"):
            services.assign_case(case=cases[citizen.pk], caseworker=worker, actor=manager, on=started)

    # Benefit periods come from the registers: the extract the target group was found in,
    # imported when the programme started.
    with _entered(started):
        services.import_register_extract(programme=programme, actor=manager, name="demo-aarhus-perioder.csv",
                                         content=_extract_csv(members), extract_on=as_of)

    def work(citizen, *, state, actor, months_ago_afklaret, **content):
        case = cases[citizen.pk]
        on = _months_back(today, months_ago_afklaret + 1, 10)
        with _entered(on):
            case = services.change_status(case=case, version=case.version, to=Status.IN_REVIEW, actor=actor,
                                          on=on)
            case = services.save_case(case=case, version=case.version, actor=actor, on=on, **content)
        if state == "in_review":
            return case
        afklaret = _months_back(today, months_ago_afklaret, 5)
        with _entered(afklaret):
            case = services.change_status(case=case, version=case.version, to=Status.AFKLARET, actor=actor,
                                          on=afklaret)
        if state == "afklaret":
            return case
        visiteret = afklaret + datetime.timedelta(days=7)
        with _entered(visiteret):
            return services.change_status(case=case, version=case.version, to=Status.VISITERET, actor=actor,
                                          on=visiteret)

    health = dict(exemption=Exemption.HEALTH, exemption_grounds="Ondt i ryggen; fritaget siden 2015.",
                  health_information="Kroniske rygsmerter. Egen læge: kan sidde og stå skiftevis.",
                  medical_assessment="Ingen helbredsmæssig barriere for en indsats med skånehensyn.",
                  skaanehensyn="Højst 4 timer om dagen; skiftevis siddende og stående arbejde.",
                  citizen_view="Vil gerne prøve noget, men er bange for at få mere ondt.")
    placements = {
        "praktik": (EffortKind.PRAKTIK, "Fiktiv Genbrug ApS", 6, Decimal("10")),
        "loentilskud": (EffortKind.LOENTILSKUD, "Aarhus Fiktive Gartneri", 5, Decimal("20")),
        "ordinaere_timer": (EffortKind.ORDINARY_HOURS, "Café Demo", 3, Decimal("6")),
    }
    for state, (kind, employer, months_ago, hours) in placements.items():
        work(citizens[state], state="visiteret", actor=worker, months_ago_afklaret=months_ago,
             **health, track=Track.VIRKSOMHEDSRETTET, effort_kind=kind,
             visitation_note="Borgeren og socialoverlægen er enige om en afprøvning med skånehensyn.")
        start = _months_back(today, months_ago - 1, 3)
        with _entered(start):
            services.add_effort(case=cases[citizens[state].pk], actor=worker, kind=kind, starts_on=start,
                                ends_on=None if state != "ordinaere_timer" else _months_back(today, 1, 20),
                                hours_per_week=hours, employer=employer)
    work(citizens["mentor"], state="visiteret", actor=worker, months_ago_afklaret=4, **health,
         track=Track.OTHER_ACTIVE, effort_kind=EffortKind.MENTOR)
    with _entered(_months_back(today, 3, 1)):
        services.add_effort(case=cases[citizens["mentor"].pk], actor=worker, kind=EffortKind.MENTOR,
                            starts_on=_months_back(today, 3, 1), hours_per_week=Decimal("2"))
    work(citizens["rehabilitation"], state="visiteret", actor=manager, months_ago_afklaret=7,
         **(health | {"medical_assessment": "Varigt nedsat arbejdsevne; bør ses af rehabiliteringsteamet."}),
         track=Track.REHABILITATION, rehab_outcome=RehabOutcome.RESSOURCEFORLOEB)
    work(citizens["jobparat"], state="visiteret", actor=manager, months_ago_afklaret=8,
         exemption=Exemption.NONE, citizen_view="Er klar til at søge job.", track=Track.JOBPARAT)
    work(citizens["afklaret"], state="afklaret", actor=worker, months_ago_afklaret=1, **health)
    work(citizens["in_review"], state="in_review", actor=worker, months_ago_afklaret=0,
         exemption=Exemption.SOCIAL, exemption_grounds="Hjemløs i 2019.")
    # A newer extract shows Nadia leaving Aarhus's kontanthjælp system; her case is closed from it.
    nadia = members[list(citizens).index("closed") + 1][0]
    left_on = _months_back(today, 9, 15)
    with _entered(left_on + datetime.timedelta(days=6)):
        services.import_register_extract(programme=programme, actor=manager, name="demo-aarhus-perioder-2.csv",
                                         content=_extract_csv(members, {nadia: left_on}),
                                         extract_on=left_on + datetime.timedelta(days=5))
    closed = cases[citizens["closed"].pk]
    with _entered(left_on + datetime.timedelta(days=7)):
        services.change_status(case=closed, version=closed.version, to=Status.CLOSED, actor=worker,
                               close_reason=CloseReason.MOVED, close_note="Flyttet til Randers Kommune.")
    # An effort entered late, with a reason: it counts once a colleague has approved it.
    late = _months_back(today, 1, 2)
    with _entered(late + datetime.timedelta(days=20)):
        services.add_effort(case=cases[citizens["afklaret"].pk], actor=worker, kind=EffortKind.PRAKTIK,
                            starts_on=late, ends_on=late + datetime.timedelta(days=13),
                            hours_per_week=Decimal("8"), employer="Fiktiv Cykelværksted",
                            reason="Praktikaftalen kom først fra virksomheden tre uger efter start.")

    # Karen's case is in review: exemption and health recorded, waiting for the medical officer.
    k = cases[karen.pk]
    with _entered(today - datetime.timedelta(days=21)):
        k = services.change_status(case=k, version=k.version, to=Status.IN_REVIEW, actor=worker,
                                   on=today - datetime.timedelta(days=21))
    with _entered(today - datetime.timedelta(days=20)):
        services.save_case(case=k, version=k.version, actor=worker, on=today - datetime.timedelta(days=20),
                           exemption=Exemption.HEALTH,
                           exemption_grounds="Fritaget for beskæftigelsesrettede tilbud af helbredsgrunde siden 2016.",
                           health_information="Ondt i ryggen og en depression. Går til egen læge og psykolog.",
                           citizen_view="Vil gerne arbejde lidt, hvis det kan ske i hendes eget tempo.")
