"""Mixed load test: what caseworkers, Borgerservice and Kvik-linje clients do all day,
against a real server (granian or gunicorn, several workers) on loopback and PostgreSQL.

1. Prepares a plan (``var/bench/mixed_plan.json``) in the database named by DATABASE_URL,
   normally the national dataset of ``bench/national_data.py``: in the municipalities
   with the most citizens, one caseworker and one Borgerservice user per municipality with a
   logged-in session each (made directly in the session store, so no password hashing
   competes with the load), a Kvik-linje key per municipality, and sample ids: citizens (with
   their CPR number, decrypted here, and name), cases, review cases that may be saved
   (not resolved, no visitation yet, split so no two virtual users save the same case) and
   a Borgerservice service point with a service and days to book on.
2. Starts the server (granian by default, or gunicorn) with the same DATABASE_URL.
3. Runs locust headless (``bench/locust_mixed.py``) once per ``--users`` figure for
   ``--seconds``, after a short warm-up run, and samples the server's and PostgreSQL's CPU
   and memory meanwhile (psutil).
4. Writes per-action throughput and p50/p95/p99, failures and the resource figures to
   ``bench/results/mixed_load.json`` and prints them as a Markdown table.

    DATABASE_URL=postgres://helhed:helhed@127.0.0.1:5432/helhed_bench_national \\
        .venv/bin/python bench/mixed_load.py --users 16 64 --rate 0 --seconds 60

``--rate`` paces the whole mix at about that many requests per second (each virtual user
runs its tasks at an even share of it; a user that falls behind runs as fast as it can);
``--rate 0`` runs every user as fast as possible (a capacity run).
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import platform
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from fasttrack_load import server_command, wait_for  # noqa: E402

# Requests per task of the mix (a review save and a booking are a GET and a POST each), by
# user kind, from the task weights in locust_mixed.py: used to turn --rate into a task rate.
REQUESTS_PER_TASK = {"caseworker": (3 + 1 + 4 + 2 + 3 + 2 + 2 * 1) / (3 + 1 + 4 + 2 + 3 + 2 + 1),
                     "borgerservice": (1 + 2) / 2, "kvik": 1.0}
USER_WEIGHTS = {"caseworker": 11, "borgerservice": 3, "kvik": 2}
MIX = ["Caseworker", "Borgerservice", "KvikClient"]
BASELINE = ["Baseline"]


def _setup(municipalities: int, slots: int, seed: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from helhed.borgerservice.models import ServiceOffer
    from helhed.casework.models import Case
    from helhed.core.cpr import decrypt_cpr
    from helhed.core.models import User
    from helhed.core.roles import Role
    from helhed.fasttrack import services as fasttrack
    from helhed.fasttrack.models import KeyScope, Organisation, OrganisationKind
    from helhed.registry.models import Citizen
    from helhed.review.models import ReviewCase, Status

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT home_municipality_id, count(*) FROM registry_citizen GROUP BY 1 ORDER BY 2 DESC")
        by_size = cursor.fetchall()
    codes = [code for code, _ in by_size][:municipalities]
    if not codes:
        raise SystemExit("The database has no citizens: run bench/national_data.py first")
    today = timezone.localdate()

    def session(user):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "helhed.core.auth.HelhedModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    def user(username, role, code):
        u, _ = User.objects.get_or_create(username=username, defaults={
            "role": role, "first_name": "Belastning", "last_name": str(code)})
        u.set_unusable_password()
        u.save()
        u.municipalities.set([code])
        return u

    per_municipality = {}
    for code in codes:
        ids = list(Citizen.objects.filter(home_municipality_id=code).values_list("id", "cpr_encrypted",
                                                                                 "first_name", "last_name")[:5000])
        sample = rng.sample(ids, min(300, len(ids)))
        citizens = [{"id": str(i), "cpr": decrypt_cpr(enc), "name": f"{first} {last}"}
                    for i, enc, first, last in sample]
        cases = [str(i) for i in Case.objects.filter(municipality_id=code).values_list("id", flat=True)[:2000]]
        reviews = [str(i) for i in ReviewCase.objects.filter(
            programme__municipality_id=code, status__in=[Status.NOT_STARTED, Status.IN_REVIEW], track="",
            citizen__isnull=False).values_list("id", flat=True)[:2000]]
        offer = (ServiceOffer.objects.filter(service_point__municipality_id=code)
                 .select_related("service_point").order_by("service_point__name", "service_id").first())
        org = Organisation.objects.filter(municipality_id=code, kind=OrganisationKind.MUNICIPALITY).first() \
            or fasttrack.create_organisation(name=f"Kommune {code}", kind=OrganisationKind.MUNICIPALITY,
                                             municipality_id=code)
        _, secret = fasttrack.create_key(organisation=org, name="Blandet belastningstest",
                                         scopes=[KeyScope.CASE_STATUS_READ], days=1, rate_limit_per_minute=1_000_000)
        per_municipality[code] = {
            "citizens": citizens, "cases": cases, "reviews": reviews, "key": secret,
            "point": str(offer.service_point_id) if offer else None, "service": offer.service_id if offer else None,
            "caseworker": user(f"belastning.sagsbehandler.{code}", Role.CASEWORKER, code),
            "borgerservice": user(f"belastning.borgerservice.{code}", Role.BORGERSERVICE, code),
        }
    missing = [code for code, m in per_municipality.items() if not m["point"] or not m["reviews"]]
    if missing:
        print(f"without a service point or open review cases (those actions are skipped there): {missing}",
              file=sys.stderr)

    plan = {"caseworker": [], "borgerservice": [], "kvik": [], "municipalities": codes}
    for n in range(slots):
        code = codes[n % len(codes)]
        m = per_municipality[code]
        share, shares = n // len(codes), -(-slots // len(codes))
        plan["caseworker"].append({
            "seed": n, "municipality": code, "session": session(m["caseworker"]), "citizens": m["citizens"],
            "cases": m["cases"], "review_cases": m["reviews"][share::shares]})
        horizon = [today + datetime.timedelta(days=d) for d in range(1, 56)]
        plan["borgerservice"].append({
            "seed": 1000 + n, "municipality": code, "session": session(m["borgerservice"]),
            "citizens": m["citizens"], "point": m["point"], "service": m["service"],
            "days": [d.isoformat() for d in horizon[share::shares]]})
        plan["kvik"].append({"seed": 2000 + n, "municipality": code, "key": m["key"],
                             "cprs": [c["cpr"] for c in m["citizens"]]})
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint, relname FROM pg_class WHERE relname IN "
                       "('registry_citizen', 'casework_case', 'intake_application', 'core_auditrecord', "
                       "'casework_task', 'review_reviewcase', 'borgerservice_appointment')")
        plan["data"] = {name: count for count, name in cursor.fetchall()}
        cursor.execute("SELECT pg_database_size(current_database())")
        plan["data"]["database_bytes"] = cursor.fetchone()[0]
    connection.close()
    return plan


def _processes(server: psutil.Process) -> dict[str, list[psutil.Process]]:
    postgres = [p for p in psutil.process_iter(["name"]) if p.info["name"] and p.info["name"].startswith("postgres")]
    return {"server": [server, *server.children(recursive=True)], "postgres": postgres}


class _Usage:
    """CPU seconds and peak memory of groups of processes, sampled: a process that ends
    between samples (a database connection closed after CONN_MAX_AGE) keeps what it used
    until its last sample, and one that starts counts from zero."""

    def __init__(self):
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.peak_rss: dict[str, int] = {}

    def sample(self, groups: dict[str, list[psutil.Process]], *, baseline: bool = False) -> None:
        for group, processes in groups.items():
            rss = 0
            for p in processes:
                try:
                    t = p.cpu_times()
                    rss += p.memory_info().rss
                except psutil.Error:
                    continue
                key = (group, p.pid)
                self.first.setdefault(key, t.user + t.system if baseline else 0.0)
                self.last[key] = t.user + t.system
            self.peak_rss[group] = max(self.peak_rss.get(group, 0), rss)

    def cpu(self, group: str) -> float:
        return sum(self.last[k] - self.first[k] for k in self.last if k[0] == group)


def _run_locust(*, port: int, users: int, seconds: float, task_rate: float, plan_path: Path, prefix: Path,
                server: psutil.Process, classes: list[str] = MIX) -> dict:
    env = dict(os.environ, MIXED_PLAN=str(plan_path), MIXED_TASKS_PER_USER_PER_SECOND=str(task_rate))
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locust_mixed.py"), "--headless",
               "--host", f"http://127.0.0.1:{port}", "-u", str(users), "-r", str(users), "-t", f"{int(seconds)}s",
               "--reset-stats", "--only-summary", "--csv", str(prefix), "--loglevel", "WARNING", *classes]
    usage = _Usage()
    usage.sample(_processes(server), baseline=True)
    started = time.perf_counter()
    locust = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603  (our own interpreter and arguments)
    locust_process = psutil.Process(locust.pid)
    while locust.poll() is None:
        usage.sample({**_processes(server), "locust": [locust_process]})
        time.sleep(1)
    wall = time.perf_counter() - started
    actions = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "(forberedelse)":
                continue
            actions[row["Name"] if row["Type"] != "" else "I alt"] = {
                "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1), "p50_ms": _num(row["50%"]), "p95_ms": _num(row["95%"]),
                "p99_ms": _num(row["99%"]), "max_ms": _num(row["Max Response Time"]),
            }
    failures = []
    failures_csv = Path(f"{prefix}_failures.csv")
    if failures_csv.exists():
        with failures_csv.open(encoding="utf-8") as f:
            failures = [{"name": r["Name"], "error": r["Error"][:300], "count": int(r["Occurrences"])}
                        for r in csv.DictReader(f)]
    return {"users": users, "seconds": seconds, "task_rate_per_user": round(task_rate, 3), "actions": actions,
            "failures": failures, "server_cpu_cores": round(usage.cpu("server") / wall, 2),
            "postgres_cpu_cores": round(usage.cpu("postgres") / wall, 2),
            "locust_cpu_cores": round(usage.cpu("locust") / wall, 2),
            "server_peak_rss_mb": round(usage.peak_rss.get("server", 0) / 2**20),
            "postgres_peak_rss_mb": round(usage.peak_rss.get("postgres", 0) / 2**20)}


def _num(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def _task_rate(rate: float, users: int) -> float:
    """Tasks per second per virtual user so the whole mix offers about ``rate`` requests/s."""
    if not rate:
        return 0.0
    total_weight = sum(USER_WEIGHTS.values())
    requests_per_user_task = sum(USER_WEIGHTS[k] * REQUESTS_PER_TASK[k] for k in USER_WEIGHTS) / total_weight
    return rate / users / requests_per_user_task


def _table(runs: list[dict]) -> str:
    lines = ["| users | action | requests | req/s | p50 ms | p95 ms | p99 ms | failures |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for run in runs:
        for name, a in sorted(run["actions"].items(), key=lambda kv: (kv[0] == "I alt", kv[0])):
            lines.append(f"| {run['users']} | {name} | {a['requests']:,} | {a['rps']} | {a['p50_ms']:g} | "
                         f"{a['p95_ms']:g} | {a['p99_ms']:g} | {a['failures']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Mixed load test of helhed against a real server")
    parser.add_argument("--users", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--rate", type=float, default=300, help="offered requests per second (0: as fast as possible)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=15)
    parser.add_argument("--municipalities", type=int, default=16)
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="granian")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--out", default=str(HERE / "results" / "mixed_load.json"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database made by bench/national_data.py")

    started = time.perf_counter()
    plan = _setup(args.municipalities, max(args.users), args.seed)
    work = ROOT / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    plan_path = work / "mixed_plan.json"
    plan_path.write_text(json.dumps(plan))
    print(f"plan ready in {time.perf_counter() - started:.0f} s: municipalities {plan['municipalities']}",
          file=sys.stderr)

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen(server_command(args.server, port=args.port, workers=args.workers,  # noqa: S603
                                             threads=args.threads),
                              cwd=ROOT, env=env, start_new_session=True)
    runs = []
    try:
        wait_for(args.port)
        process = psutil.Process(server.pid)
        load = {"before": os.getloadavg()}
        _run_locust(port=args.port, users=max(args.users), seconds=args.warmup,
                    task_rate=_task_rate(args.rate, max(args.users)), plan_path=plan_path,
                    prefix=work / "mixed_warmup", server=process)
        for users in args.users:
            run = _run_locust(port=args.port, users=users, seconds=args.seconds,
                              task_rate=_task_rate(args.rate, users), plan_path=plan_path,
                              prefix=work / f"mixed_{users}", server=process)
            run["loadavg_after"] = os.getloadavg()
            print(json.dumps(run["actions"].get("I alt", {})), file=sys.stderr)
            if args.rate:
                runs.append(run)
                continue
            run["baseline"] = _run_locust(port=args.port, users=users, seconds=args.seconds, task_rate=0,
                                          plan_path=plan_path, prefix=work / f"baseline_{users}", server=process,
                                          classes=BASELINE)
            run["share_of_baseline"] = round(run["actions"]["I alt"]["rps"]
                                             / run["baseline"]["actions"]["I alt"]["rps"], 3)
            runs.append(run)
        load["after"] = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    result = {
        "runs": runs, "offered_rate": args.rate or "as fast as possible", "server": args.server,
        "workers": args.workers, "threads": args.threads, "municipalities": plan["municipalities"],
        "data": plan["data"], "loadavg": load,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(_table(runs))
    for run in runs:
        if "baseline" in run:
            base = run["baseline"]["actions"]["I alt"]
            print(f"{run['users']} users, baseline (empty search, as fast as possible): {base['rps']} req/s, "
                  f"p50 {base['p50_ms']:g} ms, p99 {base['p99_ms']:g} ms, server "
                  f"{run['baseline']['server_cpu_cores']} cores; the mix reached {run['share_of_baseline']:.0%} "
                  "of its throughput")
        print(f"{run['users']} users: server {run['server_cpu_cores']} cores, {run['server_peak_rss_mb']} MB; "
              f"PostgreSQL {run['postgres_cpu_cores']} cores, {run['postgres_peak_rss_mb']} MB; "
              f"locust {run['locust_cpu_cores']} cores; failures {run['failures']}")


if __name__ == "__main__":
    main()
