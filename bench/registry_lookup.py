"""Benchmark: finding and opening a citizen in a registry of realistic size.

Builds a throw-away SQLite database (or uses DATABASE_URL) with N citizens spread over the
98 municipalities (default 200,000: more than the largest municipality, København, has
adults on any benefit), then measures, in this one process, against a baseline:

- baseline: fetch one citizen by primary key (the cheapest possible read);
- CPR search: the caseworker's search by CPR number (HMAC blind index + scope + audit insert);
- name search: search by surname within one municipality (+ audit inserts);
- overview: the whole-citizen overview selector (citizen, exemptions, representations + audit).

Figures are written to bench/results/registry_lookup.json and summarised in bench/RESULTS.md.
Run: make bench  (or: .venv/bin/python bench/registry_lookup.py --citizens 200000)
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--citizens", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="helhed-bench-")
    os.environ.setdefault("HELHED_VAR_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from helhed.core.models import Municipality, User
    from helhed.core.roles import Role
    from helhed.demo.cpr import demo_cpr
    from helhed.registry import selectors
    from helhed.registry.models import Citizen
    from helhed.registry.services import new_citizen

    call_command("migrate", verbosity=0)
    rng = random.Random(1)
    taken: set[str] = set()
    codes = list(Municipality.objects.values_list("code", flat=True))
    started = time.perf_counter()
    batch, numbers = [], []
    import datetime

    today = timezone.localdate()
    for i in range(args.citizens):
        born = today - datetime.timedelta(days=rng.randrange(18 * 365, 90 * 365))
        if (born.month, born.day) == (1, 1):
            born += datetime.timedelta(days=1)
        sex = rng.choice("KM")
        cpr = demo_cpr(born, sex, rng, taken)
        numbers.append(cpr)
        batch.append(new_citizen(cpr=cpr, first_name=f"Fornavn{i % 997}", last_name=f"Efternavn{i % 5003}",
                                 home_municipality=751 if i % 10 == 0 else rng.choice(codes), today=today))
        if len(batch) == 5000:
            Citizen.objects.bulk_create(batch)
            batch.clear()
    Citizen.objects.bulk_create(batch)
    load_seconds = time.perf_counter() - started

    udk = User.objects.create(username="bench.udk", role=Role.UDK_STAFF, organisation="Udbetaling Danmark")
    caseworker = User.objects.create(username="bench.aarhus", role=Role.CASEWORKER)
    caseworker.municipalities.set([751])
    ids = list(Citizen.objects.values_list("id", flat=True)[:2000])

    def timed(fn) -> list[float]:
        samples = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t) * 1000)
        return samples

    def baseline():
        Citizen.objects.get(pk=rng.choice(ids))

    def cpr_search():
        assert len(selectors.search_citizens(user=udk, query=rng.choice(numbers), channel="bench")) == 1

    def name_search():
        selectors.search_citizens(user=caseworker, query=f"Efternavn{rng.randrange(5003)}", channel="bench")

    def overview():
        selectors.citizen_overview(user=udk, citizen_id=rng.choice(ids), purpose="bench", channel="bench",
                                   today=today)

    results = {}
    for name, fn in [("baseline_pk_get", baseline), ("cpr_search", cpr_search), ("name_search_aarhus", name_search),
                     ("overview", overview)]:
        fn()  # warm
        s = sorted(timed(fn))
        results[name] = {"median_ms": round(statistics.median(s), 3), "p95_ms": round(s[int(len(s) * 0.95)], 3)}
    base = results["baseline_pk_get"]["median_ms"]
    for r in results.values():
        r["ratio_to_baseline"] = round(r["median_ms"] / base, 1)

    from django.db import connection

    out = {
        "citizens": args.citizens,
        "database": connection.vendor,
        "load_seconds": round(load_seconds, 1),
        "load_rows_per_second": round(args.citizens / load_seconds),
        "repeat": args.repeat,
        "python": platform.python_version(),
        "results": results,
    }
    (HERE / "results").mkdir(exist_ok=True)
    target = HERE / "results" / f"registry_lookup_{connection.vendor}.json"
    target.write_text(json.dumps(out, indent=2) + "\n")
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
