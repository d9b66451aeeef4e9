"""`helhed demo` on PostgreSQL: building the universe again in a database that already has
one keeps what the data migrations load (the 98 municipalities, Borgerservice's services).
Runs the real command in a fresh process against a database of its own."""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest

URL = os.environ.get("DATABASE_URL", "")
pytestmark = [pytest.mark.postgresql,
              pytest.mark.skipif(not URL.startswith("postgres"), reason="needs DATABASE_URL on PostgreSQL")]


@pytest.fixture
def scratch_database():
    base = URL.rpartition("/")[0]
    name = f"helhed_demo_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _demo(url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HELHED_", "DATABASE_URL", "DJANGO_"))}
    return subprocess.run(  # noqa: S603  (our own command)
        [sys.executable, "-m", "helhed.cli", "demo", "--load-only", "--citizens", "3"],
        env={**env, "HELHED_MODE": "demo", "DATABASE_URL": url}, capture_output=True, text=True, timeout=900)


def test_demo_builds_twice_on_postgresql(scratch_database):
    for _ in range(2):
        result = _demo(scratch_database)
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Demo-universet er bygget" in result.stdout
    with psycopg.connect(scratch_database) as conn:
        assert conn.execute("SELECT count(*) FROM core_municipality").fetchone()[0] == 98
        assert conn.execute("SELECT count(*) FROM borgerservice_servicetype").fetchone()[0] > 0
        users = conn.execute("SELECT count(*) FROM core_user WHERE username = 'sagsbehandler.aarhus'").fetchone()[0]
        assert users == 1
