import datetime

import pytest

from helhed.core.cpr import cpr_blind_index
from helhed.core.roles import Role
from helhed.register.models import RegisterExtract, TargetGroupMember, TargetGroupResult
from helhed.review import services
from tests.factories import UserFactory, fictional_cpr, make_citizen

TODAY = datetime.date(2026, 11, 24)
STARTED = datetime.date(2026, 3, 1)


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
