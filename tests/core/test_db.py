"""Prepared statements for the hot raw statements (helhed.core.db)."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from helhed.core.db import prepared_cursor

STATEMENT = "SELECT %s + 1 AS helhed_prepared_test"


def _prepared_texts():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_statement_is_prepared_once_per_connection_and_logged():
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        for n in range(3):
            with prepared_cursor() as cursor:
                cursor.execute(STATEMENT, [n])
                assert cursor.fetchone() == (n + 1,)
    assert len(ctx.captured_queries) == 3
    assert all("helhed_prepared_test" in q["sql"] for q in ctx.captured_queries)
    if connection.vendor == "postgresql":
        assert sum("helhed_prepared_test" in text for text in _prepared_texts()) == 1


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite divides by zero")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_prepared_statement_raises_djangos_error_and_the_connection_goes_on():
    from django.db import DataError

    with pytest.raises(DataError), prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int / 0 AS helhed_prepared_test", [1])
    with prepared_cursor() as cursor:
        cursor.execute(STATEMENT, [1])
        assert cursor.fetchone() == (2,)


@pytest.mark.postgresql
@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="a PostgreSQL setting")
@pytest.mark.parametrize(("value", "threshold"), [(None, 0), ("off", None)])
def test_prepared_statements_can_be_turned_off_for_a_connection_pooler(value, threshold):
    env = {k: v for k, v in os.environ.items() if k != "HELHED_DB_PREPARED_STATEMENTS"}
    if value:
        env["HELHED_DB_PREPARED_STATEMENTS"] = value
    code = ("import json, django; from django.conf import settings; django.setup(); "
            "print(json.dumps(settings.DATABASES['default']['OPTIONS'].get('prepare_threshold')))")
    result = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "helhed.settings"},  # noqa: S603
                            capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(result.stdout) == threshold
