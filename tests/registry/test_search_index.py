"""Name search on PostgreSQL can use the trigram index (a pattern with a leading wildcard
cannot use a B-tree), so a rare name does not read the whole municipality."""

import pytest
from django.db import connection

from helhed.registry.selectors import search_citizens
from tests.factories import make_citizen

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index exists on PostgreSQL only")
def test_name_search_query_can_use_the_trigram_index():
    make_citizen(municipality=751, first_name="Ingeborg", last_name="Ravnsbjerg")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM registry_citizen WHERE search_name LIKE %s", ["%ravnsbj%"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registry_citizen_search_name_trgm" in plan


def test_name_search_finds_a_word_inside_the_name(aarhus_caseworker):
    user = aarhus_caseworker
    wanted = make_citizen(municipality=751, first_name="Ingeborg", last_name="Ravnsbjerg")
    make_citizen(municipality=751, first_name="Ingeborg", last_name="Hansen")
    assert [c.pk for c in search_citizens(user=user, query="ravnsbj inge", channel="web")] == [wanted.pk]
