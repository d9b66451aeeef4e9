"""A large effort import on the embedded SQLite database does not make other users' audited
reads fail with "database is locked" (HTTP 500): the import checks its file outside any
transaction and writes in short ones, and a writer waits for the lock (settings: WAL, busy
timeout, IMMEDIATE transactions). Run in a process of its own on a database file
(``tests/review/concurrent_import.py``), as the suite's SQLite database is in memory."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

ROWS = 20_000
READERS = 2


def test_audited_reads_succeed_while_a_large_effort_file_is_imported(tmp_path):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the lock this guards against is SQLite's; the suite runs on PostgreSQL")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'helhed.sqlite3'}", "HELHED_VAR_DIR": str(tmp_path),
           "HELHED_MODE": "development", "DJANGO_SETTINGS_MODULE": "helhed.settings"}
    env.pop("HELHED_TEST_DAY", None)
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.review.concurrent_import", str(ROWS), str(READERS)],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["import_status"] == 302 and outcome["efforts"] == ROWS
    reads = outcome["reads"]
    failed = [r for r in reads if r.get("status") != 200]
    assert len(reads) >= READERS * 2 and not failed, f"{len(failed)} of {len(reads)} reads failed: {failed[:3]}"
    assert "database is locked" not in done.stderr
