"""Prepared statements for the few hot statements that are raw SQL.

PostgreSQL plans a statement every time it is sent. For the Kvik-linje's look-up the plan
costs several times the execution (1.0-1.2 ms planning against 0.1-0.3 ms executing, because
the planner weighs every index of the case table), so the hot statements are sent through a
server-binding cursor and prepared once per connection: psycopg names the statement, and
PostgreSQL reuses its plan on that connection (``settings``: ``prepare_threshold`` 0).

Django's own cursors bind on the client and are never prepared, so the ORM is unaffected.
With ``HELHED_DB_PREPARED_STATEMENTS=off`` (a connection pooler in transaction mode older
than PgBouncer 1.21, which cannot keep a statement on one server connection) nothing is
prepared and the same statements are planned every time. On SQLite this is Django's cursor.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor


def prepared_cursor():
    """A cursor whose statements PostgreSQL prepares once per connection. Use it with
    constant SQL only (a statement per distinct text is kept, at most 100 per connection)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    # Wrapped as Django wraps its own cursors: errors translated, queries logged in tests.
    return connection._prepare_cursor(_PreparedCursor(connection.connection))


class _PreparedCursor(ServerBindingCursor):
    def _send_query_prepared(self, name, pgq, **kwargs):
        # psycopg keeps no statement text when it runs a prepared statement by name; keep it,
        # so Django's query log (and the tests that read it) shows what ran.
        self._query = pgq
        super()._send_query_prepared(name, pgq, **kwargs)
