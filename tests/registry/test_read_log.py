"""The citizen's "who looked at my data" (issue 18): a representative is named by name and
role, never as "borger"; the log is grouped by day and paged."""

import datetime

import pytest
import time_machine

from helhed.core.audit import record_read
from helhed.core.roles import Role
from helhed.registry import selectors
from helhed.registry import services as registry
from tests.factories import UserFactory, make_citizen


@pytest.fixture
def father(db):
    return make_citizen(municipality=751, first_name="Erik", last_name="Sørensen",
                        user=UserFactory(role=Role.CITIZEN, first_name="Erik", last_name="Sørensen"))


@pytest.fixture
def daughter(db):
    return make_citizen(municipality=751, first_name="Mette", last_name="Lund",
                        user=UserFactory(role=Role.CITIZEN, first_name="Mette", last_name="Lund"))


def _read(actor, citizen, at):
    with time_machine.travel(at, tick=False):
        record_read(actor=actor, citizen_uuids=[citizen.pk], what="Sager og breve", purpose="Test", channel="web")


def test_a_representative_is_named_with_role_never_as_a_citizen(client, father, daughter):
    registry.grant_representation(citizen=father, representative=daughter, valid_from=datetime.date(2026, 1, 1))
    _read(daughter.user, father, datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC))
    client.force_login(father.user)
    body = client.get("/mit/log/").content.decode()
    assert "Mette Lund, repræsentant med fuldmagt" in body
    assert "Mette Lund, borger" not in body


def test_a_revoked_representative_is_still_named_as_what_they_were(client, father, daughter):
    r = registry.grant_representation(citizen=father, representative=daughter, valid_from=datetime.date(2026, 1, 1))
    _read(daughter.user, father, datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC))
    registry.revoke_representation(representation=r, actor=None,
                                   now=datetime.datetime(2026, 3, 3, tzinfo=datetime.UTC))
    client.force_login(father.user)
    assert "Mette Lund, repræsentant med fuldmagt" in client.get("/mit/log/").content.decode()


def test_the_log_is_grouped_by_danish_day(client, father, daughter):
    staff = UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov")
    _read(staff, father, datetime.datetime(2026, 3, 2, 22, 30, tzinfo=datetime.UTC))  # 23.30 on 2 March in Denmark
    _read(staff, father, datetime.datetime(2026, 3, 2, 23, 30, tzinfo=datetime.UTC))  # 00.30 on 3 March
    client.force_login(father.user)
    body = client.get("/mit/log/").content.decode()
    assert "Tirsdag 3. marts 2026" in body and "Mandag 2. marts 2026" in body
    assert body.index("Tirsdag 3. marts 2026") < body.index("Mandag 2. marts 2026")
    assert "Lene Skov, sagsbehandler (kommune), Aarhus Kommune" in body


def test_the_log_is_paged(client, father):
    staff = UserFactory(role=Role.CASEWORKER, municipalities=[751], first_name="Lene", last_name="Skov")
    start = datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)
    for n in range(selectors.READ_LOG_PAGE_SIZE + 3):
        _read(staff, father, start + datetime.timedelta(minutes=n))
    client.force_login(father.user)
    first = client.get("/mit/log/").content.decode()
    assert "Side 1." in first and "?side=2" in first and "Nyere opslag" not in first
    assert first.count("Lene Skov, sagsbehandler") == 50
    second = client.get("/mit/log/?side=2").content.decode()
    assert "Side 2." in second and "?side=1" in second and "?side=3" not in second
    assert second.count("Lene Skov, sagsbehandler") == 3
    assert client.get("/mit/log/?side=abc").status_code == 200
