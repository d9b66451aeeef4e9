"""Representatives on equal terms (issue 18, read side): a fuldmagt holder sees the
represented citizen's cases, letters and hearings within the fuldmagt's scope and period;
revoked or expired, nothing; every read is in the citizen's log under the representative's
name."""

import datetime

import pytest
import time_machine

from helhed.casework import outbox
from helhed.casework.models import BenefitArea, CaseStatus
from helhed.core.models import AuditRecord
from helhed.core.roles import Role
from helhed.registry import services as registry
from helhed.registry.models import RepresentationKind, RepresentationScope
from tests.casework.conftest import NOW, TODAY, case_in
from tests.factories import UserFactory, make_citizen


@pytest.fixture
def father(db):
    return make_citizen(municipality=751, first_name="Erik", last_name="Sørensen")


@pytest.fixture
def daughter(db):
    login = UserFactory(role=Role.CITIZEN, first_name="Mette", last_name="Lund")
    return make_citizen(municipality=751, first_name="Mette", last_name="Lund", user=login)


@pytest.fixture
def cases(father, worker):
    hearing = case_in(CaseStatus.HEARING, citizen=father, actor=worker, benefit_area=BenefitArea.KONTANTHJAELP)
    housing = case_in(CaseStatus.DECIDED, citizen=father, actor=worker, benefit_area=BenefitArea.BOLIGSTOETTE,
                      decision="refused")
    outbox.deliver(now=NOW)
    return {"hearing": hearing, "housing": housing}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime.datetime(2026, 3, 3, 10, tzinfo=datetime.UTC), tick=False):
        yield


def _grant(father, daughter, **kwargs):
    return registry.grant_representation(citizen=father, representative=daughter, valid_from=TODAY, **kwargs)


def _page(client, daughter, father):
    client.force_login(daughter.user)
    return client.get(f"/sager/post/for/{father.pk}/")


def test_a_full_fuldmagt_shows_cases_letters_and_hearings(client, father, daughter, cases):
    _grant(father, daughter)
    response = _page(client, daughter, father)
    assert response.status_code == 200
    body = response.content.decode()
    assert cases["hearing"].reference in body and cases["housing"].reference in body
    assert "svar senest mandag 16. marts 2026" in body
    assert "Vi vil høre dig, før vi afgør din sag" in body and "Du får ikke boligstøtte" in body
    mailbox = client.get("/sager/post/").content.decode()
    assert f"/sager/post/for/{father.pk}/" in mailbox


def test_a_fuldmagt_for_certain_benefits_shows_those_cases_only(client, father, daughter, cases):
    _grant(father, daughter, scope_kind=RepresentationScope.AREAS, benefit_areas=[BenefitArea.BOLIGSTOETTE])
    body = _page(client, daughter, father).content.decode()
    assert cases["housing"].reference in body and cases["hearing"].reference not in body
    assert "Vi vil høre dig" not in body
    mailbox = client.get("/sager/post/").content.decode()
    assert "Du får ikke boligstøtte" in mailbox and "Vi vil høre dig" not in mailbox
    hearing_letter = cases["hearing"].letters.get(kind="hearing")
    assert client.get(f"/sager/breve/{hearing_letter.pk}/pdf/").status_code == 404


def test_a_read_only_fuldmagt_shows_everything_read_only(client, father, daughter, cases):
    _grant(father, daughter, scope_kind=RepresentationScope.READ_ONLY)
    body = _page(client, daughter, father).content.decode()
    assert cases["hearing"].reference in body and 'method="post" action="/sager/' not in body


@pytest.mark.parametrize("how", ["revoked", "expired", "not_started", "bisidder", "none"])
def test_no_fuldmagt_in_force_shows_nothing(client, father, daughter, cases, how):
    if how == "revoked":
        r = _grant(father, daughter)
        registry.revoke_representation(representation=r, actor=None, now=NOW)
    elif how == "expired":
        registry.grant_representation(citizen=father, representative=daughter, valid_from=TODAY.replace(year=2025),
                                      valid_until=TODAY)  # ended 2 March; today is 3 March
    elif how == "not_started":
        registry.grant_representation(citizen=father, representative=daughter, valid_from=TODAY.replace(month=4))
    elif how == "bisidder":
        _grant(father, daughter, kind=RepresentationKind.ASSISTANT)
    response = _page(client, daughter, father)
    assert response.status_code == 404
    assert cases["hearing"].reference not in response.content.decode()
    letter = cases["housing"].letters.first()
    assert client.get(f"/sager/breve/{letter.pk}/pdf/").status_code == 404
    assert not AuditRecord.objects.filter(citizen_uuid=father.pk, actor=daughter.user).exists()


def test_every_read_is_in_the_fathers_log_under_the_daughters_name(client, father, daughter, cases):
    _grant(father, daughter)
    _page(client, daughter, father)
    letter = cases["housing"].letters.first()
    assert client.get(f"/sager/breve/{letter.pk}/pdf/").status_code == 200
    records = AuditRecord.objects.filter(citizen_uuid=father.pk, actor=daughter.user)
    assert {r.actor_name for r in records} == {"Mette Lund"}
    assert {r.purpose for r in records} == {"Selvbetjening: repræsentant ser borgerens sager",
                                            "Selvbetjening: brev i Digital Post"}


def test_staff_and_strangers_cannot_use_the_representatives_page(client, father, daughter, cases, worker):
    _grant(father, daughter)
    client.force_login(worker)
    assert client.get(f"/sager/post/for/{father.pk}/").status_code == 403
    stranger = make_citizen(municipality=751, user=UserFactory(role=Role.CITIZEN))
    client.force_login(stranger.user)
    assert client.get(f"/sager/post/for/{father.pk}/").status_code == 404
