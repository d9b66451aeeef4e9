"""The number of SQL queries one GET costs, for the tests that every list and overview
page costs the same whatever the amount of data (tests/<app>/test_queries.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, path, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **headers)
    assert response.status_code == 200, path
    return len(ctx.captured_queries)
