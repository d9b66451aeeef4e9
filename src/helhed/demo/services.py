"""Builds the demo universe in an empty database: staff, personas and generated citizens."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from helhed.borgerservice.demo import build_borgerservice_demo
from helhed.casework import outbox
from helhed.casework.demo import build_casework_demo, build_contact_person_demo
from helhed.cashaccess.demo import build_cashaccess_demo
from helhed.core.models import Municipality, User
from helhed.core.roles import Role
from helhed.demo.cpr import demo_cpr
from helhed.demo.personas import DEMO_PASSWORD, PERSONAS, STAFF
from helhed.fasttrack.demo import build_fasttrack_demo
from helhed.intake.demo import build_intake_demo
from helhed.pools.demo import build_pools_demo
from helhed.registry import services as registry
from helhed.registry.models import Citizen, DigitalPostGround, Language, NemKontoStatus
from helhed.review.demo import build_review_demo

FIRST_NAMES = {
    "K": ["Anne", "Kirsten", "Hanne", "Mette", "Anna", "Helle", "Susanne", "Lene", "Maria", "Marianne",
          "Inge", "Karen", "Camilla", "Louise", "Charlotte", "Pia", "Bente", "Tina", "Julie", "Sofie",
          "Emma", "Ida", "Freja", "Nadia", "Fatima", "Ayse", "Olena"],
    "M": ["Peter", "Jens", "Michael", "Lars", "Thomas", "Henrik", "Søren", "Christian", "Martin",
          "Jan", "Morten", "Jesper", "Anders", "Niels", "Mads", "Rasmus", "Kim", "Poul", "Ole",
          "Frederik", "Mikkel", "William", "Ali", "Mohammed", "Piotr", "Ahmad", "Oliver"],
}
LAST_NAMES = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
              "Sørensen", "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen",
              "Thomsen", "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen",
              "Jakobsen", "Mikkelsen", "Frederiksen", "Holm", "Bach", "Ahmed", "Yilmaz", "Kowalski",
              "Østergaard", "Æbelø", "Dahl", "Lund", "Berg", "Friis"]
STREETS = ["Skolevej", "Kirkevej", "Stationsvej", "Møllevej", "Bakkevej", "Nørregade", "Østergade",
           "Vestergade", "Søndergade", "Engvej", "Skovvej", "Birkevej", "Ahornvej", "Åboulevarden"]
OTHER_LANGUAGES = [Language.AR, Language.SO, Language.TR, Language.UK, Language.PL, Language.FA,
                   Language.EN, Language.TI]


@dataclass
class DemoUniverse:
    staff: list[User]
    personas: dict[str, Citizen]
    generated: int


def _birth_date(rng: random.Random, today: datetime.date) -> datetime.date:
    while True:
        born = today - datetime.timedelta(days=rng.randrange(18 * 365, 95 * 365))
        if (born.month, born.day) != (1, 1):
            return born


@transaction.atomic
def build_demo_universe(*, citizens: int, seed: int = 2017, today: datetime.date) -> DemoUniverse:
    """Fill an empty database with the demo universe. ``citizens`` generated citizens are
    spread over all 98 municipalities (each gets at least one when there are enough)."""
    if User.objects.exists() or Citizen.objects.exists():
        raise ImproperlyConfigured("The demo universe is built in an empty database only.")
    rng = random.Random(seed)
    taken: set[str] = set()
    names = dict(Municipality.objects.order_by("code").values_list("code", "name"))
    municipalities = list(names)

    staff = []
    for s in STAFF:
        user = User(
            username=s.username, first_name=s.first_name, last_name=s.last_name, role=s.role,
            organisation=s.organisation, is_demo=True, is_staff=s.is_admin, is_superuser=s.is_admin,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.municipalities.set(s.municipalities)
        staff.append(user)

    personas: dict[str, Citizen] = {}
    for p in PERSONAS:
        login = User.objects.create_user(
            username=f"persona.{p.key}", first_name=p.first_name, last_name=p.last_name,
            role=Role.CITIZEN, is_demo=True, password=None,
        )
        citizen = registry.register_citizen(
            cpr=demo_cpr(p.birth_date, p.sex, rng, taken), first_name=p.first_name,
            last_name=p.last_name, home_municipality=p.municipality, today=today,
            address_line=p.address_line, postcode=p.postcode, city=p.city,
            no_fixed_address=p.no_fixed_address, phone=p.phone, email=p.email,
            preferred_language=p.language, nemkonto=p.nemkonto, user=login,
        )
        if p.digital_post_ground:
            registry.register_digital_post_exemption(
                citizen=citizen, ground=p.digital_post_ground,
                registered_on=today - datetime.timedelta(days=200),
            )
        personas[p.key] = citizen
    for p in PERSONAS:
        if p.power_of_attorney_for:
            registry.grant_representation(
                citizen=personas[p.power_of_attorney_for], representative=personas[p.key],
                kind="fuldmagt", scope=p.power_of_attorney_scope,
                valid_from=today - datetime.timedelta(days=400),
            )

    generated = []
    exemptions = []
    for i in range(citizens):
        sex = rng.choice("KM")
        born = _birth_date(rng, today)
        municipality = municipalities[i] if i < len(municipalities) else rng.choice(municipalities)
        roll = rng.random()
        citizen = registry.new_citizen(
            cpr=demo_cpr(born, sex, rng, taken), first_name=rng.choice(FIRST_NAMES[sex]),
            last_name=rng.choice(LAST_NAMES), home_municipality=municipality, today=today,
            address_line=f"{rng.choice(STREETS)} {rng.randrange(1, 120)}",
            city=names[municipality],
            preferred_language=rng.choice(OTHER_LANGUAGES) if roll < 0.06 else Language.DA,
            nemkonto=NemKontoStatus.MISSING if roll > 0.995 else NemKontoStatus.REGISTERED,
        )
        generated.append(citizen)
        if rng.random() < 0.05:  # about 5 % are exempt from Digital Post (DOMAIN.md, 2025)
            exemptions.append((citizen, rng.choice(DigitalPostGround.values)))
    Citizen.objects.bulk_create(generated, batch_size=2000)
    for citizen, ground in exemptions:
        registry.register_digital_post_exemption(
            citizen=citizen, ground=ground,
            registered_on=today - datetime.timedelta(days=rng.randrange(700)),
        )
    build_cashaccess_demo(today=today, personas=personas)
    build_borgerservice_demo(today=today, personas=personas)
    build_review_demo(today=today, personas=personas)
    build_pools_demo(today=today)
    build_intake_demo(today=today, personas=personas)
    build_casework_demo(today=today, personas=personas)
    build_fasttrack_demo(today=today, personas=personas)
    build_contact_person_demo(today=today, personas=personas)
    outbox.deliver()  # the letters of cases opened after the casework demo's own delivery
    return DemoUniverse(staff=staff, personas=personas, generated=len(generated))
