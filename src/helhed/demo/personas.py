"""The demo universe's hand-written personas and staff, in recognisable life situations.

Seed 004 describes borger.dk's fictional universe: staff at a library or Borgerservice can
show a citizen how self-service works without logging in as anyone real. Every person here
is invented; their CPR numbers are made by ``helhed.demo.cpr.demo_cpr`` so that no real
person can ever have them.
"""

import datetime
from dataclasses import dataclass, field

from helhed.core.roles import Role

DEMO_PASSWORD = "demo"  # noqa: S105  (the demo universe's published password)


@dataclass(frozen=True)
class Persona:
    key: str
    first_name: str
    last_name: str
    birth_date: datetime.date
    sex: str
    municipality: int
    situation: str
    address_line: str = ""
    postcode: str = ""
    city: str = ""
    no_fixed_address: bool = False
    phone: str = ""
    email: str = ""
    language: str = "da"
    nemkonto: str = "registered"
    digital_post_ground: str = ""
    power_of_attorney_for: str = ""  # key of the persona this one holds a fuldmagt for
    power_of_attorney_scope: str = ""


PERSONAS = [
    Persona(
        key="karen", first_name="Karen", last_name="Holm", birth_date=datetime.date(1972, 3, 14),
        sex="K", municipality=751, address_line="Grøndalsvej 12, 2. tv.", postcode="8260",
        city="Viby J", phone="20 11 22 33",
        situation="Har fået kontanthjælp i mere end ti år og er aktivitetsparat. Har ondt i ryggen "
        "og en depression og har været fritaget for beskæftigelsesrettede tilbud af helbredsgrunde.",
    ),
    Persona(
        key="erik", first_name="Erik", last_name="Sørensen", birth_date=datetime.date(1941, 9, 2),
        sex="M", municipality=360, address_line="Vestergade 4", postcode="4930", city="Maribo",
        phone="54 00 11 22", digital_post_ground="no_internet",
        situation="Er 85 år og folkepensionist. Har aldrig brugt en computer og får sin post på papir. "
        "Datteren Mette hjælper ham med fuldmagt.",
    ),
    Persona(
        key="jan", first_name="Jan", last_name="Olsen", birth_date=datetime.date(1978, 6, 21),
        sex="M", municipality=101, no_fixed_address=True, address_line="c/o Herberget Fiktivgade 3",
        postcode="2200", city="København N", nemkonto="missing", digital_post_ground="homeless",
        situation="Er hjemløs og sover på herberg. Har ingen NemKonto og kan ikke bruge betalingskort. "
        "Får hjælp af en gadeplansmedarbejder.",
    ),
    Persona(
        key="amira", first_name="Amira", last_name="Hassan", birth_date=datetime.date(1991, 11, 5),
        sex="K", municipality=461, address_line="Rughavevej 8, st. th.", postcode="5240",
        city="Odense NØ", phone="31 22 33 44", language="ar", digital_post_ground="language",
        situation="Kom til Danmark for to år siden og taler kun lidt dansk. Får integrationsydelse og "
        "har to børn. Har brug for hjælp til at søge børne- og ungeydelse.",
    ),
    Persona(
        key="mette", first_name="Mette", last_name="Sørensen Lund", birth_date=datetime.date(1968, 4, 23),
        sex="K", municipality=376, address_line="Langgade 17", postcode="4800", city="Nykøbing F",
        phone="40 55 66 77", email="mette.lund@example.org",
        power_of_attorney_for="erik",
        power_of_attorney_scope="Alle sager hos kommunen og Udbetaling Danmark",
        situation="Er datter af Erik og har fuldmagt til at klare hans sager med kommunen og "
        "Udbetaling Danmark.",
    ),
    Persona(
        key="mads", first_name="Mads", last_name="Kristensen", birth_date=datetime.date(2001, 8, 17),
        sex="M", municipality=851, address_line="Vesterbro 40, 3. mf.", postcode="9000",
        city="Aalborg", phone="26 77 88 99", email="mads.k@example.org",
        situation="Er 25 år og får uddannelseshjælp. Har angst og har svært ved at møde op til "
        "aftaler på jobcentret.",
    ),
]


@dataclass(frozen=True)
class StaffUser:
    username: str
    first_name: str
    last_name: str
    role: str
    municipalities: tuple[int, ...] = ()
    organisation: str = ""
    is_admin: bool = False
    note: str = field(default="")


STAFF = [
    StaffUser("admin", "Anne", "Admin", Role.ADMINISTRATOR, organisation="helhed drift",
              is_admin=True, note="Administrerer brugere, roller og kommuner"),
    StaffUser("sagsbehandler.aarhus", "Lene", "Skov", Role.CASEWORKER, (751,),
              note="Sagsbehandler i Aarhus Kommune (ser Karen)"),
    StaffUser("sagsbehandler.kbh", "Omar", "Nielsen", Role.CASEWORKER, (101,),
              note="Sagsbehandler i Københavns Kommune (ser Jan)"),
    StaffUser("sagsbehandler.lolland", "Birthe", "Madsen", Role.CASEWORKER, (360,),
              note="Sagsbehandler i Lolland Kommune (ser Erik)"),
    StaffUser("borgerservice.odense", "Sofie", "Jensen", Role.BORGERSERVICE, (461,),
              note="Borgerservice i Odense Kommune (ser Amira)"),
    StaffUser("jobcenterleder.aarhus", "Peter", "Lund", Role.JOBCENTRE_MANAGER, (751,),
              note="Jobcenterleder i Aarhus Kommune"),
    StaffUser("udk", "Hanne", "Berg", Role.UDK_STAFF, organisation="Udbetaling Danmark",
              note="Medarbejder i Udbetaling Danmark (hele landet)"),
    StaffUser("puljeansvarlig", "Jonas", "Friis", Role.POOL_OFFICER,
              organisation="Styrelsen for Arbejdsmarked og Rekruttering",
              note="Puljeansvarlig i ministeriet (ingen adgang til borgere)"),
    StaffUser("puljeansvarlig.godkender", "Maja", "Holt", Role.POOL_OFFICER,
              organisation="Styrelsen for Arbejdsmarked og Rekruttering",
              note="Anden puljeansvarlig: godkender udbetalinger, som en kollega har indstillet"),
    StaffUser("husforbi", "Kim", "Larsen", Role.USERORG_MEMBER, organisation="Hus Forbi",
              note="Medarbejder i en brugerorganisation (kun med samtykke)"),
    StaffUser("kontantpartnerskab", "Ditte", "Holm", Role.PARTNERSHIP_MEMBER,
              organisation="Rådet for Socialt Udsatte",
              note="Medlem af partnerskabet om kontantadgang (kun samlede tal)"),
]
