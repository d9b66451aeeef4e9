"""A smoke test of the Kvik-linje load test (``bench/fasttrack_load.py``): on a tiny
national dataset it starts the real server, drives its clients for a few seconds and
reports its figures."""

import datetime
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import national_data as nd  # noqa: E402

TODAY = datetime.date(2026, 3, 10)
NOW = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the load test runs on PostgreSQL (and its data by COPY)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_load_test_runs_for_a_few_seconds_and_reports_its_figures(tmp_path):
    nd.generate(connection, citizens=400, cases_per_citizen=1, today=TODAY, now=NOW, progress=False)
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    out = tmp_path / "fasttrack.json"
    done = subprocess.run(  # noqa: S603  (our own benchmark)
        [sys.executable, str(BENCH / "fasttrack_load.py"), "--clients", "2", "--seconds", "2", "--warmup", "0.5",
         "--rate", "40", "--workers", "1", "--threads", "2", "--sample", "50", "--port", str(_free_port()),
         "--out", str(out)],
        capture_output=True, text=True, timeout=120, check=False, env={**_env(), "DATABASE_URL": url},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["errors"] == 0 and result["citizens"] == 400
    assert 40 <= result["requests"] <= 90  # 40 a second for 2 seconds, give or take the schedule's edges
    assert 0 < result["p50_ms"] <= result["p90_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert result["mode"] == "open loop at 40 req/s" and result["server"] == "granian"


def _env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
