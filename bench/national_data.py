"""A national-size dataset in PostgreSQL, fast: every table written with COPY.

Every citizen is derived from its number ``i``: a fictional CPR number (``citizen_cpr``; it
never passes the modulus-11 check, so it cannot be a real person's, see
``helhed.core.cpr.passes_modulus_11``), a home municipality (``municipality_of``, spread by
population: ``POPULATION``) and ``--cases-per-citizen`` cases. Everything else (which
benefit, the case's timeline, the channel of the application, who has a power of attorney,
a special-needs assessment, a Digital Post exemption, a review case...) is a deterministic
function of the citizen's and the case's numbers, so two runs give the same data and a load
generator can recompute which CPR numbers live in which municipality without reading the
database (``citizen_numbers``). Row ids are deterministic too (``uid``).

What is written, per citizen and case (shares are of all citizens or all cases):

- ``registry``: citizens; special-needs assessments (about 2 %), representations (3 %),
  Digital Post exemptions (2 %, 10 % of those 75 and older).
- ``casework``: cases with a status that follows the age of the case (received, under
  processing, hearing, decided, complaint, closed) and a timeline (``CaseEvent``) that walks
  the state machine of ``helhed.casework.policy``; complaints; letters (receipt, hearing,
  decision) for the cases opened in the last ``--letter-days`` days, with the text
  ``helhed.casework.letters.compose`` writes (no PDF: the outbox renders it on demand);
  open tasks in the work queues (hearing deadlines, NemKonto, letters to explain, other).
- ``intake``: one submitted application per case, on the channels in realistic shares.
- ``register``/``review``: one register result for the kontanthjælp recipients in the
  target group (about 2 % of citizens), one review programme per municipality, a review
  case per member in varied states with its history, a benefit period and efforts.
- ``borgerservice``: service points with opening hours and services, and appointments over
  the past two months and the coming four weeks (occupancy falls with the distance in time,
  so the booking pages show free slots).
- ``core``: the read log (``AuditRecord``), one to five reads per citizen over two years.
- Staff users (caseworkers, Borgerservice staff, a jobcentre manager per municipality, and
  Udbetaling Danmark staff) are made with the ORM (a few hundred rows), as are the few
  configuration rows (service points, programmes, the register result).

Columns are taken from the Django models, and every column this script does not know gets
the model field's default, so the generator keeps working when the models gain fields.

Run (a separate database, so tests are not disturbed):

    DATABASE_URL=postgres://helhed:helhed@127.0.0.1:5432/helhed_bench_national \\
        .venv/bin/python bench/national_data.py --citizens 1000000 --cases-per-citizen 3

It creates the database if missing, migrates it, and refuses to add citizens to a database
that already has some (``--reset`` empties every table it fills first). ``generate`` does
the work on an open connection (the tests call it inside the test database).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import hashlib
import io
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

FIRST_NAMES = ["Anna", "Jens", "Mette", "Lars", "Sofie", "Peter", "Ida", "Mads", "Karen", "Ole", "Fatima", "Ali"]
LAST_NAMES = ["Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
              "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen"]
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
FIRST_BIRTH = datetime.date(1930, 1, 1)
DAYS = 25_550  # birth dates 1930-1999: the 7th CPR digit 0-3 gives the 1900s

# Residents per municipality. Source: Danmarks Statistik, FOLK1A, 1. kvartal 2024, afrundet
# (rounded to the nearest thousand; below 10,000 to the nearest hundred).
POPULATION: dict[int, int] = {
    101: 660_000, 147: 104_000, 151: 49_000, 153: 39_000, 155: 14_600, 157: 75_000, 159: 70_000,
    161: 24_000, 163: 30_000, 165: 28_000, 167: 55_000, 169: 58_000, 173: 57_000, 175: 41_000,
    183: 24_000, 185: 44_000, 187: 17_000, 190: 42_000, 201: 26_000, 210: 41_000, 217: 64_000,
    219: 54_000, 223: 26_000, 230: 57_000, 240: 44_000, 250: 46_000, 253: 51_000, 259: 62_000,
    260: 31_000, 265: 91_000, 269: 24_000, 270: 41_000, 306: 33_000, 316: 73_000, 320: 38_000,
    326: 48_000, 329: 36_000, 330: 80_000, 336: 23_000, 340: 30_000, 350: 29_000, 360: 40_000,
    370: 84_000, 376: 60_000, 390: 46_000, 400: 39_000, 410: 40_000, 420: 41_000, 430: 52_000,
    440: 24_000, 450: 32_000, 461: 210_000, 479: 59_000, 480: 30_000, 482: 12_000, 492: 5_900,
    510: 55_000, 530: 27_000, 540: 74_000, 550: 37_000, 561: 116_000, 563: 3_500, 573: 50_000,
    575: 43_000, 580: 58_000, 607: 52_000, 615: 98_000, 621: 95_000, 630: 122_000, 657: 90_000,
    661: 59_000, 665: 19_000, 671: 21_000, 706: 44_000, 707: 37_000, 710: 50_000, 727: 24_000,
    730: 99_000, 740: 101_000, 741: 3_700, 746: 65_000, 751: 370_000, 756: 42_000, 760: 56_000,
    766: 48_000, 773: 20_000, 779: 46_000, 787: 43_000, 791: 98_000, 810: 37_000, 813: 59_000,
    820: 36_000, 825: 1_800, 840: 31_000, 846: 42_000, 849: 39_000, 851: 224_000, 860: 64_000,
}

# ``municipality_of`` maps citizen i to slot (i * STRIDE) mod SLOTS; each municipality owns a
# run of slots in proportion to its population (largest remainder; at least one slot). The
# stride is SLOTS divided by the golden ratio (coprime with SLOTS), so any run of citizens is
# spread over the municipalities in proportion.
SLOTS = 100_000
STRIDE = 61_803
_STRIDE_INVERSE = pow(STRIDE, -1, SLOTS)


def _apportion(population: dict[int, int], seats: int) -> dict[int, int]:
    total = sum(population.values())
    exact = {code: seats * people / total for code, people in population.items()}
    given = {code: max(1, int(share)) for code, share in exact.items()}
    by_remainder = sorted(population, key=lambda code: (given[code] - exact[code], code))
    for code in by_remainder[:seats - sum(given.values())]:
        given[code] += 1
    return given


_SLOT_COUNTS = _apportion(POPULATION, SLOTS)
_SLOT_CODE: list[int] = [code for code in sorted(POPULATION) for _ in range(_SLOT_COUNTS[code])]


def municipality_of(i: int) -> int:
    """The home municipality (code) of citizen ``i``, in proportion to ``POPULATION``."""
    return _SLOT_CODE[i * STRIDE % SLOTS]


@functools.cache
def _residues(code: int) -> list[int]:
    return sorted(s * _STRIDE_INVERSE % SLOTS for s, c in enumerate(_SLOT_CODE) if c == code)


def citizen_numbers(code: int, citizens: int, limit: int | None = None) -> Iterator[int]:
    """The numbers i < ``citizens`` of the citizens living in ``code``, in increasing order
    (at most ``limit``), without visiting the others."""
    residues, found, base = _residues(code), 0, 0
    while base < citizens:
        for r in residues:
            if base + r >= citizens or (limit is not None and found >= limit):
                return
            yield base + r
            found += 1
        base += SLOTS


def _weighted_ok(number: str) -> bool:
    weights = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
    return sum(w * int(d) for w, d in zip(weights, number, strict=True)) % 11 != 0


def citizen_cpr(i: int) -> str:
    """The fictional CPR number (10 digits) of citizen ``i``: unique for i < DAYS * 1000."""
    born = FIRST_BIRTH + datetime.timedelta(days=i % DAYS)
    k = i // DAYS
    for j in (0, 1):  # of two neighbouring serials at most one passes modulus 11
        number = f"{born:%d%m%y}{1000 + 3 * k + j:04d}"
        if _weighted_ok(number):
            return number
    raise AssertionError("unreachable")


def case_reference(n: int) -> str:
    """A unique case reference for case number ``n`` (same shape as casework's)."""
    chars = []
    for _ in range(8):
        n, r = divmod(n, 32)
        chars.append(ALPHABET[r])
    return "2025-" + "".join(reversed(chars))


# Deterministic ids: eight hex digits name the table, the last twelve the row's number.
CITIZEN, CASE, APPLICATION, LETTER = "c1712e00", "ca5e0000", "a9911000", "1e77e700"
TASK, COMPLAINT = "7a5c0000", "c0a91000"
ASSESSMENT, REPRESENTATION, EXEMPTION = "a55e5500", "4e94e500", "e8e30000"
REVIEW_CASE, EFFORT, APPOINTMENT, IDEMPOTENCY = "4e71e700", "eff04700", "a9901000", "1de90000"


def uid(table: str, n: int) -> str:
    """The id of row ``n`` of ``table`` (a valid version-4 UUID)."""
    return f"{table}-0000-4000-8000-{n:012x}"


def _mix(n: int, salt: int) -> int:
    """A well-mixed 32-bit number from (n, salt): the generator's only source of chance."""
    x = (n * 0x9E3779B1 + salt * 0x7F4A7C15 + 0x632BE5AB) & 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & 0xFFFFFFFF
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & 0xFFFFFFFF
    return x ^ (x >> 16)


def birth_date(i: int) -> datetime.date:
    return FIRST_BIRTH + datetime.timedelta(days=i % DAYS)


def _age(i: int, today: datetime.date) -> int:
    born = birth_date(i)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# --- Who is what: deterministic predicates on the citizen's number -------------------------------

def has_needs_assessment(i: int) -> bool:
    return _mix(i, 11) % 100 < 2


def has_representation(i: int) -> bool:
    return _mix(i, 12) % 100 < 3


def is_exempt_from_digital_post(i: int, today: datetime.date) -> bool:
    return _mix(i, 13) % 100 < (10 if _age(i, today) >= 75 else 2)


def nemkonto_missing(i: int) -> bool:
    return _mix(i, 14) % 1000 < 8


def is_review_member(i: int, today: datetime.date) -> bool:
    """A long-term aktivitetsparat kontanthjælp recipient in the review's target group: about
    2 % of all citizens (111,000 of Denmark's 5.9 million, seed 002), all under 65."""
    return _age(i, today) < 65 and _mix(i, 15) % 28 == 0


# --- Cases -------------------------------------------------------------------------------------

# Benefit areas by age band (the share of cases, in per cent).
_AREAS_BY_BAND = {
    "young": [("boerne_ungeydelse", 30), ("barselsdagpenge", 22), ("boligstoette", 22), ("kontanthjaelp", 20),
              ("foertidspension", 6)],
    "middle": [("boerne_ungeydelse", 14), ("boligstoette", 30), ("kontanthjaelp", 26), ("foertidspension", 30)],
    "pension": [("folkepension", 62), ("boligstoette", 38)],
}
_AREA_TABLE = {band: [a for a, share in areas for _ in range(share)] for band, areas in _AREAS_BY_BAND.items()}
MUNICIPAL_AREAS = ("foertidspension", "kontanthjaelp")
MONTHLY_AMOUNT = {"folkepension": 7_198, "boligstoette": 2_150, "boerne_ungeydelse": 1_300,
                  "barselsdagpenge": 19_500, "foertidspension": 20_400, "kontanthjaelp": 12_100}
REFUSAL_REASONS = {
    "folkepension": "Du har ikke nået folkepensionsalderen endnu.",
    "boligstoette": "Din husstand tjener mere, end man må for at få støtte.",
    "boerne_ungeydelse": "Barnet bor ikke hos dig.",
    "barselsdagpenge": "Du har ikke været på arbejdsmarkedet længe nok.",
    "foertidspension": "Din arbejdsevne kan forbedres med en aktiv indsats.",
    "kontanthjaelp": "Din ægtefælle kan forsørge dig.",
}


class CaseFacts(NamedTuple):
    n: int
    area: str
    authority: str
    status: str
    opened: datetime.date
    processing: datetime.date | None
    hearing: datetime.date | None
    deadline: datetime.date | None
    answered: datetime.date | None
    decided: datetime.date | None
    granted: bool
    amount: int
    starts: datetime.date | None
    complaint: datetime.date | None
    closed: datetime.date | None
    h: int


@functools.cache
def _hearing_deadline(on: datetime.date) -> datetime.date:
    from helhed.casework.policy import hearing_deadline

    return hearing_deadline(on)


def case_facts(i: int, j: int, cases_per_citizen: int, today: datetime.date) -> CaseFacts:
    """Case ``j`` of citizen ``i``: its benefit and a timeline that walks the case's state
    machine (``helhed.casework.policy.ALLOWED_TRANSITIONS``); the older the case, the further
    it has come. A review member's first case is their granted kontanthjælp."""
    n = i * cases_per_citizen + j
    h = _mix(n, 1)
    day = datetime.timedelta(days=1)
    recipient = j == 0 and is_review_member(i, today)
    if recipient:
        area, d = "kontanthjaelp", 450 + h % 1000
    else:
        age = _age(i, today)
        band = "pension" if age >= 67 else "young" if age < 46 else "middle"
        area, d = _AREA_TABLE[band][h % 100], (h >> 7) % 1500
    authority = "municipality" if area in MUNICIPAL_AREAS else "udk"
    opened = today - d * day
    processing = hearing = deadline = answered = decided = starts = complaint = closed = None
    granted = False
    amount = MONTHLY_AMOUNT[area] + 100 * ((h >> 3) % 4)
    if d < 8:
        status = "received"
    elif d < 60:
        status = "processing"
        processing = opened + (1 + h % 5) * day
        if (h >> 8) % 4 == 0:
            status = "hearing"
            hearing = processing + (1 + (h >> 10) % max(1, (today - processing).days - 1)) * day
            deadline = _hearing_deadline(hearing)
    else:
        processing = opened + (1 + h % 5) * day
        if (h >> 8) % 5 == 0 and not recipient:
            hearing = processing + (3 + (h >> 11) % 5) * day
            deadline = _hearing_deadline(hearing)
            if (h >> 12) % 5 < 3:
                answered = hearing + (5 + (h >> 13) % 8) * day
        last = answered or deadline or processing
        decided = last + (3 + (h >> 14) % 14) * day
        granted = recipient or (h >> 17) % 100 < 82
        starts = (decided.replace(day=1) + 32 * day).replace(day=1) if granted else None
        status = "decided"
        if 90 <= d < 500 and not recipient and (h >> 20) % 100 < 2:
            status, complaint = "complaint", decided + (7 + (h >> 22) % 20) * day
        elif d > 540 and not recipient and (h >> 24) % 100 < 70:
            status = "closed"
            closed = decided + (180 + (h >> 4) % max(1, (today - decided).days - 180)) * day
    return CaseFacts(n, area, authority, status, opened, processing, hearing, deadline, answered, decided, granted,
                     amount, starts, complaint, closed, h)


# --- COPY ---------------------------------------------------------------------------------------

NULL = r"\N"


def _copy_value(value) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _columns(model, known) -> tuple[list[str], str]:
    """(column names, a row template): ``{attname}`` where ``known`` supplies the value per
    row, the field's default (or NULL or blank) otherwise. Auto-increment keys are left to
    the database."""
    from django.db.models import AutoField, BigAutoField

    fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoField | BigAutoField)]
    unknown = set(known) - {f.attname for f in fields}
    if unknown:
        raise SystemExit(f"{model.__name__} has no fields {sorted(unknown)}")
    names, parts = [], []
    for field in fields:
        names.append(field.column)
        if field.attname in known:
            parts.append("{" + field.attname + "}")
            continue
        if field.has_default():
            default = field.get_default()
            constant = _copy_value(json.dumps(default) if isinstance(default, list | dict) else default)
        elif field.null:
            constant = NULL
        elif field.blank:
            constant = ""
        else:
            raise SystemExit(f"{model.__name__}.{field.name} has no default: teach bench/national_data.py about it")
        parts.append(constant.replace("{", "{{").replace("}", "}}"))
    return names, "\t".join(parts) + "\n"


class Loader:
    """COPY into one model's table after another on one connection, timing each."""

    def __init__(self, connection, progress: bool) -> None:
        self.raw = connection.connection  # psycopg 3
        self.progress = progress
        self.timings: dict[str, tuple[int, float]] = {}

    def copy(self, model, known: tuple[str, ...], rows: Callable[[Callable[[dict], None]], None]) -> int:
        """Run ``rows(add)``; every ``add(values)`` writes one row (values COPY-escaped)."""
        columns, template = _columns(model, known)
        table = model._meta.db_table
        quoted = ", ".join(f'"{c}"' for c in columns)
        started = time.perf_counter()
        count = 0
        with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            buf: list[str] = []
            fmt = template.format_map

            def add(values: dict) -> None:
                nonlocal count, buf
                buf.append(fmt(values))
                count += 1
                if len(buf) >= 20_000:
                    copy.write("".join(buf))
                    buf = []
                    if self.progress and count % 200_000 == 0:
                        print(f"\r{table} {count:,}", end="", file=sys.stderr)

            rows(add)
            copy.write("".join(buf))
        seconds = time.perf_counter() - started
        previous = self.timings.get(table, (0, 0.0))
        self.timings[table] = (previous[0] + count, previous[1] + seconds)
        if self.progress:
            print(f"\r{table}: {count:,} rows in {seconds:.1f} s", file=sys.stderr)
        return count


ORDER = {kind: n for n, kind in enumerate(
    ("received", "processing", "hearing", "hearing_answered", "granted", "refused", "complaint", "closed"))}


def _at(on: datetime.date, h: int) -> str:
    return f"{on.isoformat()}T{8 + h % 8:02d}:{(h >> 3) % 60:02d}:00+00:00"


# --- Staff ----------------------------------------------------------------------------------------

class Person(NamedTuple):
    id: int
    name: str


class Staff(NamedTuple):
    caseworkers: dict[int, list[Person]]
    borgerservice: dict[int, Person]
    managers: dict[int, Person]
    udk: list[Person]
    self_service: Person


def _make_staff(counts: dict[int, int]) -> Staff:
    """Staff users (ORM: a few hundred rows), reused when they exist: a caseworker per 4,000
    citizens (2 to 30) in each municipality, one Borgerservice employee and one jobcentre
    manager; 20 at Udbetaling Danmark; and the user who stands for citizens' self-service."""
    from helhed.core.models import User
    from helhed.core.roles import Role

    wanted: list[tuple[str, str, int | None, int]] = []
    for code, count in sorted(counts.items()):
        wanted += [(f"bench-sagsbehandler-{code}-{k}", Role.CASEWORKER, code, k)
                   for k in range(max(2, min(30, count // 4000 + 1)))]
        wanted += [(f"bench-borgerservice-{code}", Role.BORGERSERVICE, code, 0),
                   (f"bench-jobcenterleder-{code}", Role.JOBCENTRE_MANAGER, code, 0)]
    wanted += [(f"bench-udk-{k}", Role.UDK_STAFF, None, k) for k in range(20)]
    wanted.append(("bench-selvbetjening", Role.CITIZEN, None, 0))
    existing = set(User.objects.filter(username__startswith="bench-").values_list("username", flat=True))
    new = []
    for n, (username, role, _, _) in enumerate(wanted):
        if username in existing:
            continue
        first, last = ("Selvbetjening", "") if role == Role.CITIZEN else (
            FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n // 3) % len(LAST_NAMES)])
        new.append(User(username=username, role=role, first_name=first, last_name=last, password="!bench",  # noqa: S106 (unusable: starts with "!")
                        organisation="Udbetaling Danmark" if role == Role.UDK_STAFF else ""))
    User.objects.bulk_create(new)
    users = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
    through = User.municipalities.through
    through.objects.bulk_create([through(user_id=users[name].pk, municipality_id=code)
                                 for name, _, code, _ in wanted if code is not None], ignore_conflicts=True)
    def person(username: str) -> Person:
        user = users[username]
        return Person(user.pk, user.get_full_name() or username)

    caseworkers: dict[int, list[Person]] = {}
    for username, role, code, _ in wanted:
        if role == Role.CASEWORKER:
            caseworkers.setdefault(code, []).append(person(username))
    return Staff(
        caseworkers=caseworkers,
        borgerservice={code: person(f"bench-borgerservice-{code}") for code in counts},
        managers={code: person(f"bench-jobcenterleder-{code}") for code in counts},
        udk=[person(f"bench-udk-{k}") for k in range(20)],
        self_service=person("bench-selvbetjening"),
    )


# --- The generator -----------------------------------------------------------------------------

TRUNCATE = ("core_auditrecord, borgerservice_appointment, borgerservice_servicepoint, review_programme, "
            "register_targetgroupresult, register_registerextract, intake_application, casework_task, "
            "casework_case, registry_citizen")


def generate(connection, *, citizens: int, cases_per_citizen: int, today: datetime.date,
             now: datetime.datetime, letter_days: int = 180, progress: bool = True) -> dict[str, tuple[int, float]]:
    """Fill the (empty) tables on ``connection`` (Django's, PostgreSQL). Returns the rows
    and seconds per table."""
    from helhed.borgerservice.models import Appointment, OpeningHours, ServiceOffer, ServicePoint, ServiceType
    from helhed.borgerservice.slots import slot_starts
    from helhed.casework import letters
    from helhed.casework.models import Case, CaseEvent, Complaint, Letter, Task
    from helhed.core.cpr import cpr_blind_index, encrypt_cpr
    from helhed.core.models import AuditRecord, Municipality
    from helhed.intake.models import Application
    from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult
    from helhed.register.targetgroups import get_rule
    from helhed.registry.models import Citizen, DigitalPostExemption, Representation, SpecialNeedsAssessment
    from helhed.review.models import BenefitPeriod, Effort, Programme, ReviewCase
    from helhed.review.models import CaseEvent as ReviewEvent

    connection.ensure_connection()
    names = {m.code: m.name for m in Municipality.objects.all()}
    if set(names) != set(POPULATION):
        raise SystemExit("The municipalities in the database are not the 98 of POPULATION")
    load = Loader(connection, progress)
    day = datetime.timedelta(days=1)
    stamp = now.isoformat()
    homes = [municipality_of(i) for i in range(citizens)]
    counts: dict[int, int] = dict.fromkeys(POPULATION, 0)
    for code in homes:
        counts[code] += 1
    staff = _make_staff(counts)
    cpc = cases_per_citizen

    def full_name(i: int) -> tuple[str, str]:
        return FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i // 7) % len(LAST_NAMES)]

    def worker(i_or_n: int, code: int, authority: str) -> Person:
        team = staff.caseworkers[code] if authority == "municipality" else staff.udk
        return team[i_or_n % len(team)]

    def authority_label(code: int, authority: str) -> str:
        return "Udbetaling Danmark" if authority == "udk" else f"{names[code]} Kommune"

    # --- Citizens
    def citizen_rows(add):
        for i in range(citizens):
            number = citizen_cpr(i)
            first, last = full_name(i)
            add({"id": uid(CITIZEN, i), "cpr_encrypted": encrypt_cpr(number), "cpr_index": cpr_blind_index(number),
                 "birth_date": birth_date(i).isoformat(), "sex": "M" if int(number[-1]) % 2 else "K",
                 "first_name": first, "last_name": _copy_value(last),
                 "search_name": _copy_value(f"{first} {last}".lower()),
                 "home_municipality_id": homes[i], "nemkonto": "missing" if nemkonto_missing(i) else "registered",
                 "created_at": stamp, "updated_at": stamp})

    load.copy(Citizen, ("id", "cpr_encrypted", "cpr_index", "birth_date", "sex", "first_name", "last_name",
                        "search_name", "home_municipality_id", "nemkonto", "created_at", "updated_at"), citizen_rows)

    # --- Registry: assessments, representations, Digital Post exemptions
    def assessment_rows(add):
        for i in range(citizens):
            if not has_needs_assessment(i):
                continue
            h, code = _mix(i, 21), homes[i]
            conclusion = ("special_needs", "special_needs", "digital_help", "digital_help", "none")[h % 5]
            assessor = worker(h, code, "municipality")
            assessed = today - ((h >> 4) % 700) * day
            factors = [["age", "digital"], ["psychiatric"], ["language", "digital"],
                       ["physical", "social"]][(h >> 8) % 4]
            add({"id": uid(ASSESSMENT, i), "citizen_id": uid(CITIZEN, i), "municipality_id": code,
                 "factors": json.dumps(factors),
                 "citizen_description": "Jeg har svært ved at bruge computer og at forstå breve fra det offentlige.",
                 "conclusion": conclusion,
                 "reasoning": "Vurderet ud fra samtale med borgeren og borgerens egen beskrivelse.",
                 "contact_person_id": assessor.id if conclusion == "special_needs" else NULL,
                 "assessed_on": assessed.isoformat(), "review_on": (assessed + 730 * day).isoformat(),
                 "assessed_by_id": assessor.id, "created_at": _at(assessed, h)})

    load.copy(SpecialNeedsAssessment, ("id", "citizen_id", "municipality_id", "factors", "citizen_description",
                                       "conclusion", "reasoning", "contact_person_id", "assessed_on", "review_on",
                                       "assessed_by_id", "created_at"), assessment_rows)

    def representative_of(i: int) -> int:
        return (i + 1 + _mix(i, 22) % 997) % citizens

    def representation_rows(add):
        for i in range(citizens):
            if not has_representation(i) or representative_of(i) == i:
                continue
            h = _mix(i, 23)
            kind = ("fuldmagt",) * 8 + ("partsrepraesentant", "bisidder")
            scope_kind = ("full", "full", "full", "areas", "read_only")[(h >> 4) % 5]
            areas = ["folkepension", "boligstoette"] if scope_kind == "areas" else []
            valid_from = today - ((h >> 8) % 1000) * day
            add({"id": uid(REPRESENTATION, i), "citizen_id": uid(CITIZEN, i),
                 "representative_id": uid(CITIZEN, representative_of(i)), "kind": kind[h % 10],
                 "scope": "Alle sager om ydelser" if scope_kind == "full" else
                 "Folkepension og boligstøtte" if scope_kind == "areas" else "Se oplysninger",
                 "valid_from": valid_from.isoformat(), "scope_kind": scope_kind, "benefit_areas": json.dumps(areas),
                 "granted_by_id": staff.borgerservice[homes[i]].id})

    load.copy(Representation, ("id", "citizen_id", "representative_id", "kind", "scope", "valid_from", "scope_kind",
                               "benefit_areas", "granted_by_id"), representation_rows)

    grounds = ("impairment", "impairment", "no_internet", "no_internet", "language", "mitid", "homeless", "emigrated")

    def exemption_rows(add):
        for i in range(citizens):
            if not is_exempt_from_digital_post(i, today):
                continue
            h = _mix(i, 24)
            registered = today - ((h >> 4) % 1500) * day
            add({"id": uid(EXEMPTION, i), "citizen_id": uid(CITIZEN, i), "ground": grounds[h % len(grounds)],
                 "registered_on": registered.isoformat(), "expires_on": (registered + 1461 * day).isoformat(),
                 "registered_by_id": staff.borgerservice[homes[i]].id})

    load.copy(DigitalPostExemption, ("id", "citizen_id", "ground", "registered_on", "expires_on", "registered_by_id"),
              exemption_rows)

    # --- Cases (complaints, hearing tasks and the recent cases are collected on the way)
    complaints: list[tuple[int, int, CaseFacts]] = []
    hearing_cases: list[tuple[int, CaseFacts]] = []
    recent: list[tuple[int, int]] = []
    window = today - letter_days * day

    def case_rows(add):
        for i in range(citizens):
            code, cid = homes[i], uid(CITIZEN, i)
            for j in range(cpc):
                f = case_facts(i, j, cpc, today)
                version = 1 + sum(x is not None for x in (f.processing, f.hearing, f.answered, f.decided,
                                                          f.complaint, f.closed))
                add({"id": uid(CASE, f.n), "reference": case_reference(f.n), "citizen_id": cid,
                     "benefit_area": f.area, "authority": f.authority, "municipality_id": code, "status": f.status,
                     "opened_on": f.opened.isoformat(), "decided_on": f.decided.isoformat() if f.decided else NULL,
                     "caseworker_id": worker(f.h, code, f.authority).id if f.processing else NULL,
                     "version": version, "decision": ("granted" if f.granted else "refused") if f.decided else "",
                     "monthly_amount": f"{f.amount}.00" if f.granted else NULL,
                     "benefit_starts_on": f.starts.isoformat() if f.starts else NULL,
                     "refusal_reasons": REFUSAL_REASONS[f.area] if f.decided and not f.granted else "",
                     "hearing_deadline": f.deadline.isoformat() if f.deadline else NULL,
                     "created_at": _at(f.opened, f.h), "updated_at": stamp})
                if f.complaint:
                    complaints.append((i, code, f))
                if f.status == "hearing":
                    hearing_cases.append((i, f))
                if f.opened >= window:
                    recent.append((i, j))

    load.copy(Case, ("id", "reference", "citizen_id", "benefit_area", "authority", "municipality_id", "status",
                     "opened_on", "decided_on", "caseworker_id", "version", "decision", "monthly_amount",
                     "benefit_starts_on", "refusal_reasons", "hearing_deadline", "created_at", "updated_at"),
              case_rows)

    def complaint_rows(add):
        for _, _, f in complaints:
            forwarded = f.complaint + 10 * day
            add({"id": uid(COMPLAINT, f.n), "case_id": uid(CASE, f.n), "received_on": f.complaint.isoformat(),
                 "text": "Jeg er uenig i afgørelsen og beder om at få sagen set på igen.",
                 "submitted_by_id": staff.self_service.id,
                 "forwarded_on": forwarded.isoformat() if forwarded <= today else NULL,
                 "created_at": _at(f.complaint, f.h)})

    load.copy(Complaint, ("id", "case_id", "received_on", "text", "submitted_by_id", "forwarded_on", "created_at"),
              complaint_rows)

    # --- Applications: one per case, on the channel the citizen used
    def application_rows(add):
        for i in range(citizens):
            code, cid = homes[i], uid(CITIZEN, i)
            old = _age(i, today) >= 67
            represented = has_representation(i) and representative_of(i) != i
            for j in range(cpc):
                f = case_facts(i, j, cpc, today)
                c = (f.h >> 5) % 100
                # Digital self-service 90 % (70 % for pensioners), then paper, phone, in person.
                channel = ("digital" if c < (70 if old else 90) else "paper" if c < (82 if old else 94)
                           else "phone" if c < (92 if old else 97) else "in_person")
                submitted_by, help_kind, help_text, call_note = "citizen", "none", "", ""
                creator = staff.self_service
                representation = NULL
                if channel == "digital":
                    if represented and (f.h >> 9) % 3 == 0:
                        submitted_by, representation = "representative", uid(REPRESENTATION, i)
                else:
                    submitted_by = "staff"
                    creator = staff.borgerservice[code] if f.authority == "municipality" or channel == "in_person" \
                        else staff.udk[f.h % len(staff.udk)]
                    if channel == "paper":
                        help_kind = "scanned"
                    elif channel == "phone":
                        help_kind, call_note = "filled_in_for", "Borgeren ringede og fik hjælp til at søge."
                    else:
                        help_kind, help_text = "filled_in", "Udfyldt sammen med borgeren ved skranken."
                at = _at(f.opened, f.h)
                add({"id": uid(APPLICATION, f.n), "citizen_id": cid, "municipality_id": code,
                     "benefit_area": f.area, "authority": f.authority, "channel": channel, "status": "submitted",
                     "received_on": f.opened.isoformat(), "submitted_by": submitted_by, "created_by_id": creator.id,
                     "representation_id": representation, "help_kind": help_kind, "help_text": help_text,
                     "call_note": call_note, "case_id": uid(CASE, f.n), "created_at": at, "updated_at": at,
                     "submitted_at": at})

    load.copy(Application, ("id", "citizen_id", "municipality_id", "benefit_area", "authority", "channel", "status",
                            "received_on", "submitted_by", "created_by_id", "representation_id", "help_kind",
                            "help_text", "call_note", "case_id", "created_at", "updated_at", "submitted_at"),
              application_rows)

    # --- Timelines
    def event_rows(add):
        def event(f, kind, on, actor, from_status, to_status, text, amount=NULL):
            # Dates never go back along the timeline; the hour follows the step, so sorting
            # by time keeps the order on a day with two steps too.
            at = f"{on.isoformat()}T{8 + ORDER[kind]:02d}:{(f.h >> 3) % 60:02d}:00+00:00"
            add({"case_id": uid(CASE, f.n), "kind": kind, "at": at, "on": on.isoformat(),
                 "actor_id": actor.id if actor else NULL, "actor_name": actor.name if actor else "Systemet",
                 "from_status": from_status, "to_status": to_status, "text": text, "amount": amount})

        for i in range(citizens):
            code = homes[i]
            for j in range(cpc):
                f = case_facts(i, j, cpc, today)
                event(f, "received", f.opened, None, "", "received", "Ansøgningen er modtaget.")
                if f.processing is None:
                    continue
                actor = worker(f.h, code, f.authority)
                event(f, "processing", f.processing, actor, "received", "processing", "Sagen er under behandling.")
                state = "processing"
                if f.hearing:
                    event(f, "hearing", f.hearing, actor, "processing", "hearing", f"Svarfrist {f.deadline:%d.%m.%Y}.")
                    state = "hearing"
                if f.answered:
                    event(f, "hearing_answered", f.answered, actor, "hearing", "processing",
                          "Borgeren har svaret og sendt nye oplysninger.")
                    state = "processing"
                if f.decided:
                    if f.granted:
                        event(f, "granted", f.decided, actor, state, "decided", f"Bevilget fra {f.starts:%d.%m.%Y}.",
                              f"{f.amount}.00")
                    else:
                        event(f, "refused", f.decided, actor, state, "decided", REFUSAL_REASONS[f.area])
                if f.complaint:
                    event(f, "complaint", f.complaint, staff.self_service, "decided", "complaint",
                          "Jeg er uenig i afgørelsen og beder om at få sagen set på igen.")
                if f.closed:
                    event(f, "closed", f.closed, actor, "decided", "closed", "Sagen er afsluttet.")

    load.copy(CaseEvent, ("case_id", "kind", "at", "on", "actor_id", "actor_name", "from_status", "to_status",
                          "text", "amount"), event_rows)

    # --- Letters for the recent cases: receipt, hearing, decision
    name_token, reference_token = "Navnnavnsen", "REFERENCEX"
    explain: list[tuple[int, int, str, str, datetime.date]] = []

    @functools.cache
    def composed(kind: str, area: str, authority: str, on: datetime.date, deadline, amount, starts):
        from helhed.casework.models import BenefitArea

        context = {"name": name_token, "reference": reference_token, "authority": authority,
                   "benefit": BenefitArea(area).label.lower(), "received_on": on, "deadline": deadline,
                   "facts": "Vi har fået oplysninger om din indkomst fra Skattestyrelsen.",
                   "monthly_amount": amount, "starts_on": starts, "method": "NemKonto",
                   "reasons": REFUSAL_REASONS[area]}
        c = letters.compose(kind, context)
        return c.subject, _copy_value(c.body_html), _copy_value(c.text), str(c.lix)

    def letter_rows(add):
        for i, j in recent:
            code = homes[i]
            f = case_facts(i, j, cpc, today)
            first, last = full_name(i)
            name, reference, case_id = f"{first} {last}", case_reference(f.n), uid(CASE, f.n)
            print_channel = is_exempt_from_digital_post(i, today)
            contact = NULL
            if has_needs_assessment(i) and _mix(i, 21) % 5 < 2:
                contact = worker(_mix(i, 21), code, "municipality").id
            label = authority_label(code, f.authority)
            written = [("receipt", f.opened, f"receipt-{case_id}", 0)]
            if f.hearing:
                written.append(("hearing", f.hearing, f"hearing-{case_id}-v2", 1))
            if f.decided:
                version = 2 + (f.hearing is not None) + (f.answered is not None)
                kind = "granted" if f.granted else "refused"
                written.append((kind, f.decided, f"{kind}-{case_id}-v{version}", 2))
            for kind, on, key, k in written:
                subject, body, text, lix = composed(
                    kind, f.area, label, on, f.deadline if kind == "hearing" else None,
                    f.amount if kind == "granted" else None, f.starts if kind == "granted" else None)
                delivered = _at(on, f.h + 3)
                add({"id": uid(LETTER, f.n * 3 + k), "case_id": case_id, "citizen_id": uid(CITIZEN, i),
                     "kind": kind, "subject": _copy_value(subject),
                     "body_html": body.replace(name_token, name).replace(reference_token, reference),
                     "text": text.replace(name_token, name).replace(reference_token, reference), "lix": lix,
                     "written_on": on.isoformat(), "status": "delivered",
                     "channel": "print" if print_channel else "digital_post", "attempts": 1,
                     "delivered_at": delivered,
                     "printed_at": delivered if print_channel and on < today - 2 * day else NULL,
                     "printed_by_id": staff.borgerservice[code].id if print_channel and on < today - 2 * day
                     else NULL,
                     "contact_person_id": contact, "idempotency_key": key, "created_at": delivered})
                if contact != NULL and on >= today - 7 * day:
                    explain.append((i, f.n * 3 + k, subject, reference, on))

    load.copy(Letter, ("id", "case_id", "citizen_id", "kind", "subject", "body_html", "text", "lix", "written_on",
                       "status", "channel", "attempts", "delivered_at", "printed_at", "printed_by_id",
                       "contact_person_id", "idempotency_key", "created_at"), letter_rows)

    # --- Open tasks in the work queues
    def task_rows(add):
        from helhed.core.calendar import add_business_days

        for i, f in hearing_cases:
            code = homes[i]
            municipal = f.authority == "municipality"
            add({"id": uid(TASK, f.n), "kind": "hearing", "authority": f.authority,
                 "municipality_id": code if municipal else NULL, "citizen_id": uid(CITIZEN, i),
                 "case_id": uid(CASE, f.n), "title": f"Svarfrist i partshøring i sag {case_reference(f.n)}",
                 "description": "",
                 "due_on": f.deadline.isoformat(), "assigned_to_id": worker(f.h, code, f.authority).id,
                 "idempotency_key": f"hearing-task-{uid(CASE, f.n)}-v2", "created_at": _at(f.hearing, f.h)})
        base = citizens * cpc
        for i, letter_n, subject, reference, on in explain:
            code = homes[i]
            add({"id": uid(TASK, base + letter_n), "kind": "explain_letter", "authority": "municipality",
                 "municipality_id": code, "citizen_id": uid(CITIZEN, i), "case_id": uid(CASE, letter_n // 3),
                 "title": _copy_value(f"Forklar brevet »{subject}« til borgeren"),
                 "description": f"Borgeren har særlige behov. Du er kontaktperson. Brevet er sendt i sag {reference}.",
                 "due_on": add_business_days(on, 5).isoformat(),
                 "assigned_to_id": worker(_mix(i, 21), code, "municipality").id,
                 "idempotency_key": f"explain-letter-{uid(LETTER, letter_n)}", "created_at": _at(on, letter_n)})
        base += citizens * cpc * 3
        other = [("other", "Indhent lægeoplysninger"), ("other", "Ring borgeren op om manglende oplysninger"),
                 ("question", "Spørgsmål fra borgerens bisidder"), ("other", "Følg op på aftale i Borgerservice")]
        for i in range(citizens):
            code, h = homes[i], _mix(i, 31)
            kinds = []
            if nemkonto_missing(i):
                kinds.append(("nemkonto", "Hjælp borgeren med at få en NemKonto"))
            if h % 1000 < 25:
                kinds.append(other[(h >> 10) % len(other)])
            for k, (kind, title) in enumerate(kinds):
                due = today + (((h >> 12) % 29) - 7) * day
                assigned = worker(h, code, "municipality").id if (h >> 20) % 5 < 2 else NULL
                add({"id": uid(TASK, base + 2 * i + k), "kind": kind, "authority": "municipality",
                     "municipality_id": code, "citizen_id": uid(CITIZEN, i), "case_id": NULL, "title": title,
                     "description": "", "due_on": due.isoformat(), "assigned_to_id": assigned,
                     "idempotency_key": NULL, "created_at": _at(due - 14 * day, h)})

    load.copy(Task, ("id", "kind", "authority", "municipality_id", "citizen_id", "case_id", "title", "description",
                     "due_on", "assigned_to_id", "idempotency_key", "created_at"), task_rows)

    # --- Review: the register result, a programme per municipality, its cases
    _review(load, connection, citizens=citizens, today=today, now=now, homes=homes, names=names, staff=staff,
            cpc=cpc, models=(RegisterExtract, TargetGroupResult, TargetGroupMember, Programme, ReviewCase,
                             ReviewEvent, BenefitPeriod, Effort), get_rule=get_rule, blind_index=cpr_blind_index)

    # --- Borgerservice
    _borgerservice(load, citizens=citizens, today=today, now=now, homes=homes, names=names, staff=staff,
                   models=(ServicePoint, OpeningHours, ServiceOffer, ServiceType, Appointment), slot_starts=slot_starts)

    # --- The read log
    whats = ["Borgeroverblik", "Sag og tidslinje", "Breve i sagen", "Helhedsvurdering", "Ansøgning"]

    def audit_rows(add):
        span = 730 * 86_400
        for i in range(citizens):
            code, cid = homes[i], uid(CITIZEN, i)
            h = _mix(i, 41)
            for k in range(1 + h % 5):
                g = _mix(i * 5 + k, 42)
                at = now - datetime.timedelta(seconds=g % span)
                udk = (g >> 3) % 10 < 3
                who = staff.udk[g % 20] if udk else worker(g, code, "municipality")
                add({"at": at.isoformat(), "actor_id": who.id, "actor_name": who.name,
                     "actor_role": "udk_staff" if udk else "caseworker",
                     "actor_organisation": "Udbetaling Danmark" if udk else f"{names[code]} Kommune",
                     "citizen_uuid": cid, "what": whats[(g >> 5) % len(whats)],
                     "purpose": "Sagsbehandling", "channel": "api" if (g >> 9) % 10 == 0 else "web",
                     "request_id": f"{g:08x}{i:012x}{k:02x}"})

    load.copy(AuditRecord, ("at", "actor_id", "actor_name", "actor_role", "actor_organisation", "citizen_uuid",
                            "what", "purpose", "channel", "request_id"), audit_rows)

    with connection.cursor() as cursor:
        for table in load.timings:
            cursor.execute(f"ANALYZE {table}")
    return load.timings


def _review(load: Loader, connection, *, citizens, today, now, homes, names, staff, cpc, models, get_rule,
            blind_index) -> None:
    """The kontanthjælp recipients in the target group: one register result, one programme
    per municipality that has members, a review case per member in a varied state (seed
    002: afklaret and visiteret within the review period), its history, its benefit period
    and efforts for those visiteret to an active effort."""
    RegisterExtract, TargetGroupResult, TargetGroupMember, Programme, ReviewCase, ReviewEvent, BenefitPeriod, Effort \
        = models
    day = datetime.timedelta(days=1)
    members = [i for i in range(citizens) if is_review_member(i, today)]
    if not members:
        return
    as_of = (today.replace(day=1) - 380 * day).replace(day=1)
    stay = {i: case_facts(i, 0, cpc, today).opened for i in members}
    digest = hashlib.sha256(f"bench-national-{citizens}-{as_of}".encode()).hexdigest()
    manager = staff.managers[min(staff.managers)]
    extract = RegisterExtract.objects.create(
        file="register/bench-national.csv", original_name="bench-national-perioder.csv",
        description="Nationalt benchmarkudtræk (fiktive borgere)", sha256=digest, size=60 * len(members),
        periods=len(members), uploaded_by_id=manager.id)
    rule = get_rule("flere-skal-med-2017")
    counts = dict.fromkeys((str(c) for c in sorted(POPULATION)), 0)
    for i in members:
        counts[str(homes[i])] += 1
    result = TargetGroupResult.objects.create(
        extract=extract, rule_name=rule.name, rule_version=rule.version, parameters=rule.parameters(),
        input_sha256=digest, as_of=as_of, counts=counts, total=len(members), periods_read=len(members),
        seconds=0.0, created_by_id=manager.id)

    def member_rows(add):
        for i in members:
            figures = {"stay_start": stay[i].isoformat(), "days_in_stay": (as_of - stay[i]).days + 1}
            add({"result_id": str(result.pk), "cpr_index": blind_index(citizen_cpr(i)), "municipality_id": homes[i],
                 "figures": _copy_value(json.dumps(figures))})

    load.copy(TargetGroupMember, ("result_id", "cpr_index", "municipality_id", "figures"), member_rows)
    member_ids = dict(TargetGroupMember.objects.filter(result=result).values_list("cpr_index", "id"))
    started = as_of + 14 * day
    programmes = {code: Programme(municipality_id=code, result=result, name=f"Flere skal med – {names[code]}",
                                  rule_name=rule.name, as_of=as_of, gross_target_group=n, started_on=started,
                                  review_days=120, created_by_id=staff.managers[code].id)
                  for code, n in ((int(c), n) for c, n in counts.items()) if n}
    Programme.objects.bulk_create(programmes.values())
    numbers: dict[int, int] = {}
    states = ["not_started"] * 15 + ["in_review"] * 25 + ["afklaret"] * 15 + ["visiteret"] * 35 + ["closed"] * 10
    tracks = [("virksomhedsrettet", "praktik", ""), ("virksomhedsrettet", "loentilskud", ""),
              ("virksomhedsrettet", "ordinaere_timer", ""), ("other_active", "mentor", ""),
              ("other_active", "behandling", ""), ("rehabilitation", "", "ressourceforloeb"),
              ("rehabilitation", "", "fleksjob"), ("jobparat", "", "")]
    facts = []
    for i in members:
        code = homes[i]
        numbers[code] = numbers.get(code, 0) + 1
        h = _mix(i, 51)
        state = states[h % 100]
        begun = started + ((h >> 7) % 60) * day
        afklaret = begun + (20 + (h >> 13) % 60) * day if state in ("afklaret", "visiteret") else None
        visiteret = afklaret + (7 + (h >> 19) % 24) * day if state == "visiteret" else None
        closed = begun + (10 + (h >> 9) % 240) * day if state == "closed" else None
        track = tracks[(h >> 23) % len(tracks)] if state == "visiteret" else ("", "", "")
        facts.append((i, code, numbers[code], h, state, begun, afklaret, visiteret, closed, track))

    def case_rows(add):
        for i, code, number, h, state, begun, afklaret, visiteret, closed, track in facts:
            cpr_index = blind_index(citizen_cpr(i))
            assigned = state != "not_started" or (h >> 5) % 2 == 0
            who = staff.caseworkers[code][h % len(staff.caseworkers[code])]
            content = state in ("afklaret", "visiteret") or (state == "in_review" and (h >> 6) % 2 == 0)
            exemption = ("health", "health", "social", "none")[(h >> 27) % 4] if content else ""
            add({"id": uid(REVIEW_CASE, i), "programme_id": str(programmes[code].pk),
                 "member_id": member_ids[cpr_index], "number": number, "cpr_index": cpr_index,
                 "citizen_id": uid(CITIZEN, i), "caseworker_id": who.id if assigned else NULL, "status": state,
                 "version": 1 + (state != "not_started") + (afklaret is not None) + (visiteret is not None),
                 "exemption": exemption,
                 "exemption_grounds": "Fritaget på grund af langvarig sygdom." if exemption == "health" else "",
                 "medical_assessment": "Socialoverlægen vurderer, at borgeren kan arbejde få timer med skånehensyn."
                 if exemption == "health" else "",
                 "skaanehensyn": "Højst 10 timer om ugen, ingen tunge løft." if content else "",
                 "citizen_view": "Jeg vil gerne prøve at arbejde lidt, hvis det tager hensyn til mit helbred."
                 if content else "",
                 "track": track[0], "effort_kind": track[1], "rehab_outcome": track[2],
                 "visitation_note": "Visiteret efter samtale med borgeren og socialoverlægen." if visiteret else "",
                 "started_on": begun.isoformat() if state != "not_started" and not (state == "closed" and
                                                                                     (h >> 6) % 2) else NULL,
                 "afklaret_on": afklaret.isoformat() if afklaret else NULL,
                 "visiteret_on": visiteret.isoformat() if visiteret else NULL,
                 "closed_on": closed.isoformat() if closed else NULL,
                 "close_reason": ("left_benefit", "left_benefit", "moved", "died")[(h >> 3) % 4] if closed else "",
                 "updated_at": now.isoformat(), "updated_by_name": who.name if state != "not_started" else ""})

    load.copy(ReviewCase, ("id", "programme_id", "member_id", "number", "cpr_index", "citizen_id", "caseworker_id",
                           "status", "version", "exemption", "exemption_grounds", "medical_assessment", "skaanehensyn",
                           "citizen_view", "track", "effort_kind", "rehab_outcome", "visitation_note", "started_on",
                           "afklaret_on", "visiteret_on", "closed_on", "close_reason", "updated_at",
                           "updated_by_name"), case_rows)

    def event_rows(add):
        for i, code, _, h, state, begun, afklaret, visiteret, closed, _ in facts:
            who = staff.caseworkers[code][h % len(staff.caseworkers[code])]
            steps = []
            if state != "not_started" and not (state == "closed" and (h >> 6) % 2):
                steps.append((begun, "not_started", "in_review", "Gennemgangen er begyndt."))
            if afklaret:
                steps.append((afklaret, "in_review", "afklaret", "Sagen er afklaret."))
            if visiteret:
                steps.append((visiteret, "afklaret", "visiteret", "Borgeren er visiteret."))
            if closed:
                source = steps[-1][2] if steps else "not_started"
                steps.append((closed, source, "closed", "Borgeren er ude af målgruppen."))
            for on, source, target, text in steps:
                add({"case_id": uid(REVIEW_CASE, i), "at": _at(on, h), "on": on.isoformat(), "actor_id": who.id,
                     "actor_name": who.name, "from_status": source, "to_status": target, "text": text})

    load.copy(ReviewEvent, ("case_id", "at", "on", "actor_id", "actor_name", "from_status", "to_status", "text"),
              event_rows)

    def period_rows(add):
        for i, code, _, h, _, _, _, _, closed, _ in facts:
            left = closed is not None and (h >> 3) % 4 < 2
            add({"case_id": uid(REVIEW_CASE, i), "ydelse": "kontanthjaelp_aktivitetsparat",
                 "starts_on": stay[i].isoformat(), "ends_on": closed.isoformat() if left else NULL,
                 "created_by_id": staff.caseworkers[code][0].id, "created_at": now.isoformat()})

    load.copy(BenefitPeriod, ("case_id", "ydelse", "starts_on", "ends_on", "created_by_id", "created_at"), period_rows)

    employers = ["Netto", "Kommunens materielgård", "Genbrugsbutikken", "Lokal tømrer", "Plejecentret", "Café"]

    def effort_rows(add):
        for i, code, _, h, state, _, _, visiteret, _, track in facts:
            if state != "visiteret" or not track[1]:
                continue
            starts = min(today, visiteret + (7 + (h >> 4) % 21) * day)
            for k in range(1 + (h >> 8) % 2):
                begin = starts + k * 91 * day
                if begin > today:
                    break
                end = begin + 90 * day
                add({"id": uid(EFFORT, i * 2 + k), "case_id": uid(REVIEW_CASE, i), "kind": track[1],
                     "starts_on": begin.isoformat(), "ends_on": end.isoformat() if end < today else NULL,
                     "hours_per_week": f"{5 + (h >> 12) % 16}.0",
                     "employer": employers[(h >> 16) % len(employers)] if track[0] == "virksomhedsrettet" else "",
                     "created_by_id": staff.caseworkers[code][h % len(staff.caseworkers[code])].id,
                     "created_at": _at(begin, h)})

    load.copy(Effort, ("id", "case_id", "kind", "starts_on", "ends_on", "hours_per_week", "employer",
                       "created_by_id", "created_at"), effort_rows)


def _borgerservice(load: Loader, *, citizens, today, now, homes, names, staff, models, slot_starts) -> None:
    """Service points (a centre in every municipality, a library in those over 60,000
    residents) with opening hours and the national services, and appointments over the past
    60 days and the coming 28: occupied seats fall from 75 % this week to 20 % in four
    weeks (scaled down for small municipalities and small datasets), so there are free slots."""
    ServicePoint, OpeningHours, ServiceOffer, ServiceType, Appointment = models
    day = datetime.timedelta(days=1)
    services = {s.code: s.pk for s in ServiceType.objects.filter(municipality=None)}
    points = []
    for code in sorted(POPULATION):
        points.append(ServicePoint(municipality_id=code, kind="centre", name=f"Borgerservice {names[code]}",
                                   address=f"Rådhuspladsen 1, {names[code]}",
                                   accessibility="Trinfri adgang, handicaptoilet, teleslynge."))
        if POPULATION[code] > 60_000:
            points.append(ServicePoint(municipality_id=code, kind="library", name=f"{names[code]} Hovedbibliotek",
                                       address=f"Biblioteksvej 2, {names[code]}", accessibility="Trinfri adgang."))
    ServicePoint.objects.bulk_create(points)
    hours, offers, plan = [], [], []
    for point in points:
        pop = POPULATION[point.municipality_id]
        if point.kind == "centre":
            week = [(d, datetime.time(10), datetime.time(17 if d == 3 else 14)) for d in range(5)]
            offered = list(services)
        else:
            week = [(d, datetime.time(13), datetime.time(16)) for d in (1, 3)]
            offered = ["digital_hjaelp", "udk", "mitid"]
        hours += [OpeningHours(service_point=point, weekday=d, opens=a, closes=b) for d, a, b in week]
        capacity = 3 if pop > 200_000 else 2 if pop > 60_000 else 1
        for service in offered:
            seats = capacity if service in ("pas", "koerekort", "sundhedskort") else 1
            offers.append(ServiceOffer(service_point=point, service_id=services[service], capacity=seats))
            plan.append((point, services[service], seats, week))
    OpeningHours.objects.bulk_create(hours)
    ServiceOffer.objects.bulk_create(offers)
    people: dict[int, list[int]] = {}
    for code in POPULATION:
        people[code] = list(citizen_numbers(code, citizens, 2000))
    scale = min(1.0, max(citizens / 1_000_000, 0.02))

    def appointment_rows(add):
        n = 0
        for point, service, seats, week in plan:
            code = point.municipality_id
            size = min(1.0, (POPULATION[code] / 60_000) ** 0.5) * scale
            by_weekday: dict[int, list] = {}
            for d, a, b in week:
                by_weekday.setdefault(d, []).append((a, b))
            for offset in range(-60, 29):
                date = today + offset * day
                if date.weekday() not in by_weekday:
                    continue
                occupancy = size * (0.7 if offset < 0 else 0.75 if offset < 7 else 0.5 if offset < 14
                                    else 0.2)
                for start in slot_starts(day=date, hours=by_weekday[date.weekday()], minutes=15):
                    for seat in range(1, seats + 1):
                        n += 1
                        h = _mix(n, 61)
                        if h % 10_000 >= occupancy * 10_000:
                            continue
                        past = start < now
                        r = (h >> 14) % 100
                        status = ("checked_in" if r < 88 else "no_show" if r < 95 else "cancelled") if past \
                            else ("booked" if r < 95 else "cancelled")
                        c = (h >> 21) % 100
                        channel = "self_service" if c < 55 else "phone" if c < 75 else "counter" if c < 85 \
                            else "public"
                        who = people[code]
                        citizen = uid(CITIZEN, who[(h >> 7) % len(who)]) if who and channel != "public" else NULL
                        worker = staff.borgerservice[code]
                        add({"id": uid(APPOINTMENT, n), "service_point_id": str(point.pk), "municipality_id": code,
                             "service_id": service, "citizen_id": citizen,
                             "contact_name": "" if citizen != NULL else "Kim Hansen",
                             "contact_phone": "" if citizen != NULL else f"2{h % 10_000_000:07d}",
                             "channel": channel, "mode": "open", "status": status,
                             "starts_at": start.isoformat(), "seat": seat,
                             "staff_id": worker.id if status == "checked_in" else NULL,
                             "idempotency_key": uid(IDEMPOTENCY, n),
                             "booked_by_id": worker.id if channel in ("phone", "counter") else NULL,
                             "created_at": (start - (1 + (h >> 3) % 20) * day).isoformat(),
                             "checked_in_at": start.isoformat() if status == "checked_in" else NULL})

    load.copy(Appointment, ("id", "service_point_id", "municipality_id", "service_id", "citizen_id", "contact_name",
                            "contact_phone", "channel", "mode", "status", "starts_at", "seat", "staff_id",
                            "idempotency_key", "booked_by_id", "created_at", "checked_in_at"), appointment_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=1_000_000)
    parser.add_argument("--cases-per-citizen", type=int, default=3)
    parser.add_argument("--letter-days", type=int, default=180,
                        help="letters are written for the cases opened in the last so many days")
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--if-empty", action="store_true",
                        help="leave a database that already has citizens as it is (exit 0)")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (COPY is PostgreSQL's)")
    _create_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        if args.reset:
            cursor.execute(f"TRUNCATE {TRUNCATE} CASCADE")
        cursor.execute("SELECT count(*) FROM registry_citizen")
        if cursor.fetchone()[0]:
            if args.if_empty:
                print("The database already has citizens: left as it is.")
                return
            raise SystemExit("The database already has citizens (use --reset to start again)")

    now = datetime.datetime.now(datetime.UTC)
    started = time.perf_counter()
    timings = generate(connection, citizens=args.citizens, cases_per_citizen=args.cases_per_citizen,
                       today=now.date(), now=now, letter_days=args.letter_days)
    total = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        sizes = {}
        for table in timings:
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size(%s))", [table])
            sizes[table] = cursor.fetchone()[0]
    out = io.StringIO()
    print(f"{'table':32} {'rows':>12} {'seconds':>9} {'size':>10}", file=out)
    for table, (rows, seconds) in timings.items():
        print(f"{table:32} {rows:>12,} {seconds:>9.1f} {sizes[table]:>10}", file=out)
    print(f"{'total (with users and analyse)':32} {sum(r for r, _ in timings.values()):>12,} {total:>9.1f}", file=out)
    print(f"database size {size}", file=out)
    print(out.getvalue(), end="")


def _create_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
