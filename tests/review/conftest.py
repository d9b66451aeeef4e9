import datetime

import pytest

from helhed.core.calendar import COPENHAGEN
from helhed.core.cpr import cpr_blind_index
from helhed.core.roles import Role
from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult
from helhed.review import services
from tests.factories import UserFactory, fictional_cpr, make_citizen

TODAY = datetime.date(2026, 11, 24)
STARTED = datetime.date(2026, 3, 1)
NOON = datetime.time(12, 0)


def moment(day: datetime.date, time: datetime.time = NOON) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=COPENHAGEN)


@pytest.fixture(autouse=True)
def clock_at_today(time_machine):
    """Facts are entered on the server's clock: every review test runs on ``TODAY``."""
    time_machine.move_to(moment(TODAY), tick=False)
    return time_machine


def extract_csv(rows) -> bytes:
    """A register extract: rows of (cpr, kommunekode, ydelse, start, slut or None)."""
    lines = ["cpr,kommunekode,ydelse,start,slut"]
    lines += [f"{cpr.replace('-', '')},{k},{y},{a.isoformat()},{b.isoformat() if b else ''}"
              for cpr, k, y, a, b in rows]
    return ("\n".join(lines) + "\n").encode()


def import_extract(programme, actor, citizens, *, extract_on, ended=None, name="udtraek.csv", since=None):
    """Import an extract in which every citizen has received kontanthjælp since ``since``;
    ``ended`` maps a citizen to the last day of their period."""
    ended = ended or {}
    since = since or datetime.date(2020, 1, 1)
    rows = [(c.cpr, 751, "kontanthjaelp_aktivitetsparat", since, ended.get(c.pk)) for c in citizens]
    return services.import_register_extract(programme=programme, actor=actor, name=name, content=extract_csv(rows),
                                            extract_on=extract_on)


@pytest.fixture
def manager(db):
    return UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751], first_name="Peter", last_name="Lund")


@pytest.fixture
def worker(db):
    return UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov",
                       username="lene")


@pytest.fixture
def pool_officer(db):
    return UserFactory(role=Role.POOL_OFFICER, organisation="STAR")


def make_result(manager, members, *, municipality=751):
    """A register result with ``members``: a list of CPR numbers (10 digits)."""
    extract = RegisterExtract.objects.create(file="register/extracts/x.csv", original_name="x.csv", sha256="0" * 64,
                                             size=1, periods=len(members), uploaded_by=manager)
    result = TargetGroupResult.objects.create(
        extract=extract, rule_name="flere-skal-med-2017", rule_version="1", parameters={}, input_sha256="0" * 64,
        as_of=datetime.date(2026, 1, 1), counts={str(municipality): len(members)}, total=len(members),
        periods_read=len(members), seconds=0.0, created_by=manager)
    TargetGroupMember.objects.bulk_create([
        TargetGroupMember(result=result, cpr_index=cpr_blind_index(cpr.replace("-", "")),
                          municipality_id=municipality, figures={}) for cpr in members])
    return result


def make_programme(manager, n_citizens=3, n_unregistered=0, **kwargs):
    citizens = [make_citizen(municipality=751, first_name=f"Borger{i}", last_name=f"Gennemgangsen{i}")
                for i in range(n_citizens)]
    cprs = [c.cpr for c in citizens] + [fictional_cpr(datetime.date(1970, 1, 2 + i)) for i in range(n_unregistered)]
    result = make_result(manager, cprs)
    programme = services.create_programme(actor=manager, result=result, municipality_id=751, name="Program",
                                          started_on=kwargs.pop("started_on", STARTED), **kwargs)
    return programme, citizens


@pytest.fixture
def programme_and_citizens(manager):
    return make_programme(manager)


@pytest.fixture
def programme(programme_and_citizens):
    return programme_and_citizens[0]


def case_of(programme, citizen):
    return programme.cases.get(citizen=citizen)
