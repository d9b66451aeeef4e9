"""Borgerservice in the demo universe (seeds 003 and 004): three service points in Odense,
where the demo user ``borgerservice.odense`` works: a Borgerservice centre (open), the main
library (open, digital help) and a centre in acute-only mode with a reason. Past days have
attended appointments, no-shows and help given; today and the coming days have bookings,
one of them for the persona Amira Hassan; acute requests wait for triage. Deterministic
apart from the public bookers' random references; every time is relative to ``today``."""

from __future__ import annotations

import datetime
import random
import uuid

from django.core.exceptions import ValidationError

from helhed.borgerservice import services
from helhed.borgerservice.models import (
    AcuteReason,
    Channel,
    HelpTopic,
    LegalBasis,
    Mode,
    ServicePointKind,
    ServiceType,
)
from helhed.borgerservice.selectors import free_slots
from helhed.borgerservice.slots import COPENHAGEN
from helhed.core.models import User
from helhed.demo.cpr import demo_cpr
from helhed.registry import services as registry
from helhed.registry.models import Citizen

ODENSE = 461
WEEKDAYS = range(5)
# Fictional Odense citizens who come to the counter (besides the persona Amira Hassan).
VISITORS = [("Bent", "Fiktivsen", datetime.date(1948, 2, 3), "M", "20 40 60 80"),
            ("Hanne", "Eksempelsen", datetime.date(1955, 7, 19), "K", "21 41 61 81"),
            ("Yusuf", "Demirfiktiv", datetime.date(1987, 10, 8), "M", "22 42 62 82")]
PUBLIC_BOOKERS = [("Lars Fiktivsen", "20 30 40 50"), ("Nadia Eksempel", "30 40 50 60"),
                  ("Poul Prøvesen", "40 50 60 70"), ("Ida Demodatter", "50 60 70 80")]


def _key(n: int) -> uuid.UUID:
    return uuid.UUID(int=0xB5_0000_0000_0000_0000_0000_0000_0000 + n)


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=COPENHAGEN)


def _service(code: str) -> ServiceType:
    return ServiceType.objects.get(code=code, municipality=None)


def _point(*, kind, name, address, accessibility, offers, hours):
    point = services.create_service_point(municipality_id=ODENSE, kind=kind, name=name, address=address,
                                          accessibility=accessibility, slot_minutes=15)
    for code, capacity in offers:
        services.set_offer(point=point, service=_service(code), capacity=capacity)
    for weekday, opens, closes in hours:
        services.add_opening_hours(point=point, weekday=weekday, opens=opens, closes=closes)
    return point


def _visitor(visitor, today: datetime.date) -> Citizen:
    first, last, born, sex, phone = visitor
    rng = random.Random(f"{first}{last}")
    for _ in range(20):  # another demo citizen may, very rarely, hold the number already
        try:
            return registry.register_citizen(
                cpr=demo_cpr(born, sex, rng, set()), first_name=first, last_name=last, home_municipality=ODENSE,
                today=today, address_line="Fiktivvej 1", postcode="5000", city="Odense C", phone=phone)
        except ValidationError:
            continue
    raise RuntimeError("Could not make a demo CPR number.")


def build_borgerservice_demo(*, today: datetime.date, personas: dict[str, Citizen]) -> None:
    staff = User.objects.get(username="borgerservice.odense")
    t = datetime.time
    centre = _point(
        kind=ServicePointKind.CENTRE, name="Borgerservice Odense, Ørbækvej", address="Ørbækvej 100, 5220 Odense SØ",
        accessibility="Trinfri adgang, handicaptoilet og teleslynge ved skranke 1.",
        offers=[("pas", 2), ("koerekort", 1), ("mitid", 2), ("sundhedskort", 1), ("digital_hjaelp", 1), ("udk", 1),
                ("kontant", 1)],
        hours=[(d, t(9), t(15)) for d in (0, 1, 2, 4)] + [(3, t(9), t(17, 30))],
    )
    library = _point(
        kind=ServicePointKind.LIBRARY, name="Odense Hovedbibliotek, digital hjælp",
        address="Østre Stationsvej 15, 5000 Odense C", accessibility="Elevator til 1. sal og trinfri indgang.",
        offers=[("digital_hjaelp", 2), ("udk", 1)],
        hours=[(d, t(10), t(16)) for d in WEEKDAYS] + [(5, t(10), t(14))],
    )
    vollsmose = _point(
        kind=ServicePointKind.CENTRE, name="Borgerservice Vollsmose", address="Vollsmose Torv 6, 5240 Odense NØ",
        accessibility="Trinfri adgang.", offers=[("pas", 1), ("mitid", 1), ("udk", 1)],
        hours=[(d, t(9), t(14)) for d in WEEKDAYS],
    )
    now = _midnight(today)
    vollsmose, _ = services.switch_mode(
        point=vollsmose, mode=Mode.ACUTE_ONLY, version=vollsmose.version, now=now,
        reason="Ombygning af lokalerne. Vi tager kun imod akutte henvendelser, der kræver fremmøde.",
        mode_from=today - datetime.timedelta(days=14), mode_until=today + datetime.timedelta(days=30),
    )

    odense_citizens = [_visitor(v, today) for v in VISITORS]
    n = 0

    def next_key() -> uuid.UUID:
        nonlocal n
        n += 1
        return _key(n)

    def book(point, code, starts_at, *, citizen=None, booker=None, on_day_now, channel=Channel.SELF_SERVICE):
        name, phone = booker or ("", "")
        return services.book(point=point, service=_service(code), starts_at=starts_at, channel=channel,
                             idempotency_key=next_key(), now=on_day_now, citizen=citizen, contact_name=name,
                             contact_phone=phone, actor=staff if channel == Channel.PHONE else None, staff=staff)[0]

    def slots(point, code, day, include_restricted=False):
        found = free_slots(point=point, service=_service(code), from_day=day, days=1, now=_midnight(day),
                           include_restricted=include_restricted)
        return found[0].slots if found else []

    # The past ten days at the centre and the library: attended, no-shows and help given.
    people = [*odense_citizens, *PUBLIC_BOOKERS]
    i = 0
    for back in range(10, 0, -1):
        day = today - datetime.timedelta(days=back)
        for point, code in ((centre, "digital_hjaelp"), (centre, "pas"), (library, "digital_hjaelp")):
            free = slots(point, code, day)
            if not free:
                continue
            who = people[i % len(people)]
            i += 1
            citizen = who if isinstance(who, Citizen) else None
            a = book(point, code, free[i % len(free)].starts_at, citizen=citizen,
                     booker=None if citizen else who, on_day_now=_midnight(day),
                     channel=Channel.SELF_SERVICE if citizen else Channel.PUBLIC)
            if i % 4 == 0:
                services.mark_no_show(appointment=a, now=a.starts_at + datetime.timedelta(minutes=30), actor=staff)
                continue
            a = services.check_in(appointment=a, now=a.starts_at - datetime.timedelta(minutes=3), actor=staff)
            if citizen and code == "digital_hjaelp":
                services.record_help(
                    point=point, citizen=citizen, staff=staff, given_on=day, appointment=a,
                    topic=HelpTopic.APPLICATION if i % 2 else HelpTopic.MITID,
                    legal_basis=LegalBasis.STK3 if i % 3 == 0 else LegalBasis.STK2,
                    description="Hjulpet med at udfylde og sende ansøgningen på borger.dk." if i % 2 else
                    "Hjulpet med at aktivere MitID-appen.", idempotency_key=next_key())

    # Amira Hassan: help given at the library last week, and a booking in the coming days.
    amira = personas["amira"]
    services.record_help(
        point=library, citizen=amira, staff=staff, given_on=today - datetime.timedelta(days=6),
        topic=HelpTopic.APPLICATION, legal_basis=LegalBasis.STK3,
        description="Hjulpet med at søge børne- og ungeydelse hos Udbetaling Danmark, med tolk på telefon.",
        idempotency_key=next_key())
    for ahead in range(1, 8):
        day = today + datetime.timedelta(days=ahead)
        free = slots(centre, "udk", day)
        if free:
            book(centre, "udk", free[min(4, len(free) - 1)].starts_at, citizen=amira, on_day_now=now)
            break

    # Today and the next three days: bookings at the centre and the library.
    j = 0
    for ahead in range(0, 4):
        day = today + datetime.timedelta(days=ahead)
        for point, code, channel in ((centre, "pas", Channel.PUBLIC), (centre, "mitid", Channel.PHONE),
                                     (library, "digital_hjaelp", Channel.SELF_SERVICE)):
            free = slots(point, code, day)
            if not free:
                continue
            who = people[j % len(people)]
            j += 1
            citizen = who if isinstance(who, Citizen) else None
            book(point, code, free[(3 * j) % len(free)].starts_at, citizen=citizen, booker=None if citizen else who,
                 on_day_now=now, channel=Channel.PHONE if channel == Channel.PHONE and citizen else
                 (Channel.SELF_SERVICE if citizen else Channel.PUBLIC))

    # Acute requests at Vollsmose: two waiting, one approved, one declined.
    reasons = {r.code: r for r in AcuteReason.objects.filter(municipality=None)}
    requests = [
        ("pas", reasons["pas_rejse"], "", today + datetime.timedelta(days=9), PUBLIC_BOOKERS[1]),
        ("udk", reasons["udsaettelse"], "", None, PUBLIC_BOOKERS[2]),
        ("mitid", reasons["mitid"], "", None, PUBLIC_BOOKERS[3]),
        ("udk", reasons["andet"], "Min boligstøtte er sat ned, og jeg forstår ikke brevet.", None, PUBLIC_BOOKERS[0]),
    ]
    made = []
    for code, reason, description, travel, booker in requests:
        a, _, _ = services.request_acute(
            point=vollsmose, service=_service(code), acute_reason=reason, acute_description=description,
            travel_date=travel, idempotency_key=next_key(), today=today, contact_name=booker[0],
            contact_phone=booker[1], channel=Channel.PUBLIC)
        made.append(a)
    for ahead in range(1, 8):
        free = slots(vollsmose, "mitid", today + datetime.timedelta(days=ahead), include_restricted=True)
        if free:
            services.approve_request(appointment=made[2], starts_at=free[0].starts_at, actor=staff, now=now)
            break
    services.decline_request(appointment=made[3], actor=staff,
                             reason="Det kræver ikke fremmøde: vi kan hjælpe dig i telefonen.",
                             advice="Ring til Borgerservice på 66 13 13 72 alle hverdage kl. 10-14.")
