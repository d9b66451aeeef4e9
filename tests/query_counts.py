"""The number of SQL queries one GET costs, for the tests that every list and overview
page costs the same whatever the amount of data (tests/<app>/test_queries.py).

The same GET also guards the ``.only()`` and ``.defer()`` lists of the selectors: a page
whose template reads a column its query left out would load it with a query of its own for
every row (Django's ``DeferredAttribute``), so ``count_queries`` fails naming the model and
column instead."""

from contextlib import contextmanager

from django.db import connection
from django.db.models.query_utils import DeferredAttribute
from django.test.utils import CaptureQueriesContext


@contextmanager
def deferred_loads():
    """The columns (``Model.column``) loaded lazily, one row at a time, inside the block."""
    loaded: list[str] = []
    original = DeferredAttribute.__get__

    def get(self, instance, cls=None):
        if (instance is not None and self.field.attname not in instance.__dict__
                and self._check_parent_chain(instance) is None):
            loaded.append(f"{type(instance).__name__}.{self.field.attname}")
        return original(self, instance, cls)

    DeferredAttribute.__get__ = get
    try:
        yield loaded
    finally:
        DeferredAttribute.__get__ = original


def count_queries(client, path, **headers) -> int:
    with deferred_loads() as loaded, CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **headers)
    assert response.status_code == 200, path
    assert not loaded, f"{path} loads columns left out by .only()/.defer() row by row: {sorted(set(loaded))}"
    return len(ctx.captured_queries)
