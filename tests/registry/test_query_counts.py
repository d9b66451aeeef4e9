"""List and overview pages use a number of SQL queries that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helhed.core.audit import record_read
from helhed.registry import services
from tests.factories import make_citizen


def count_queries(client, method, path, data=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path, data) if data else getattr(client, method)(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def karen(db):
    return make_citizen(municipality=751, first_name="Karen", last_name="Holm")


def test_overview_queries_do_not_grow_with_representations_and_exemptions(client, aarhus_caseworker, karen):
    client.force_login(aarhus_caseworker)
    count_queries(client, "get", f"/borgere/{karen.pk}/")  # warm the session
    few = count_queries(client, "get", f"/borgere/{karen.pk}/")
    for i in range(6):
        other = make_citizen(municipality=101, first_name=f"Rep{i}", last_name="Sen",
                             birth_date=datetime.date(1980, 2, 10 + i))
        services.grant_representation(citizen=karen, representative=other, kind="fuldmagt", scope="Alt",
                                      valid_from=datetime.date(2025, 1, 1))
        services.register_digital_post_exemption(citizen=karen, ground="language",
                                                 registered_on=datetime.date(2020 + i % 5, 3, 1))
    assert count_queries(client, "get", f"/borgere/{karen.pk}/") == few


def test_search_queries_do_not_grow_with_the_number_of_hits(client, aarhus_caseworker, karen):
    client.force_login(aarhus_caseworker)
    count_queries(client, "post", "/borgere/", {"q": "holm"})
    one = count_queries(client, "post", "/borgere/", {"q": "holm"})
    for i in range(12):
        make_citizen(municipality=751, first_name=f"Anne{i}", last_name="Holm",
                     birth_date=datetime.date(1990, 4, 1 + i))
    assert count_queries(client, "post", "/borgere/", {"q": "holm"}) == one


def test_own_log_queries_do_not_grow_with_the_log(client, citizen_with_login, aarhus_caseworker):
    client.force_login(citizen_with_login.user)
    count_queries(client, "get", "/mit/log/")
    few = count_queries(client, "get", "/mit/log/")
    for _ in range(20):
        record_read(actor=aarhus_caseworker, citizen_uuids=[citizen_with_login.pk], what="x", purpose="y",
                    channel="web")
    assert count_queries(client, "get", "/mit/log/") == few
