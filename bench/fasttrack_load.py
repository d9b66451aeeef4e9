"""Load benchmark: the Kvik-linje case-status lookup against a real server.

Needs a national-size database made by ``bench/national_data.py`` (citizens are derived
from their number, so this script knows each one's CPR number and municipality). It

1. makes 16 municipal organisations on the Kvik-linje with a key each (idempotent: the
   organisations are reused, fresh keys are issued on every run), with a rate limit far
   above the load so the limiter is exercised on every call but never refuses;
2. starts gunicorn (gthread workers, keep-alive) on loopback with the same DATABASE_URL;
3. runs 16 concurrent clients (one keep-alive HTTP/1.1 connection each, all driven by one
   thread through a selector, one municipality's key each) that POST
   ``/api/v1/fasttrack/cases/lookup`` with random citizens of their municipality for
   ``--seconds`` after ``--warmup`` seconds;
4. writes throughput and latency percentiles to ``bench/results/fasttrack_load.json``.

Every request does the whole production path: key look-up by hash, the shared per-key rate
counter (an upsert), CPR blind index, coverage rule, the cases query and the audit insert.

    DATABASE_URL=postgres://helhed:helhed@127.0.0.1:5432/helhed_bench_national \\
        .venv/bin/python bench/fasttrack_load.py --seconds 30 --clients 16
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from national_data import citizen_cpr, citizen_numbers  # noqa: E402


def _setup(clients: int):
    """(municipality code, key secret) per client; citizens, cases, database size in bytes."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from helhed.core.models import Municipality
    from helhed.fasttrack import services
    from helhed.fasttrack.models import KeyScope, Organisation, OrganisationKind

    call_command("migrate", verbosity=0)
    codes = sorted(Municipality.objects.values_list("code", flat=True))
    keys = []
    for code in codes[:clients]:
        municipality = Municipality.objects.get(code=code)
        org = Organisation.objects.filter(municipality=municipality).first() or services.create_organisation(
            name=str(municipality), kind=OrganisationKind.MUNICIPALITY, municipality_id=code)
        _, secret = services.create_key(organisation=org, name="Belastningstest", scopes=[KeyScope.CASE_STATUS_READ],
                                        days=1, rate_limit_per_minute=1_000_000)
        keys.append((code, secret))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM registry_citizen")  # exact: the sample must exist
        citizens = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'casework_case'")
        cases = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    connection.close()
    return keys, citizens, cases, size, codes


def _request(port: int, secret: str, cpr: str) -> bytes:
    body = json.dumps({"cpr": cpr}).encode()
    return (f"POST /api/v1/fasttrack/cases/lookup HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {secret}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def _complete(data: bytes) -> tuple[int, bool] | None:
    """(status code, whether the server keeps the connection) once ``data`` holds a whole
    response (headers and Content-Length body), else None."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    length, keep = 0, True
    for line in head.split(b"\r\n")[1:]:
        name = line[:15].lower()
        if name == b"content-length:":
            length = int(line[15:])
        elif name[:11] == b"connection:":
            keep = b"close" not in line.lower()
    return (int(head[9:12]), keep) if len(body) >= length else None


def _run_clients(port, clients, stop_at, measure_from, latencies, errors, interval):
    """Every client driven by one thread through a selector: the load generator shares the
    two cores with the server, so it must cost little CPU, and one thread never waits for
    another's turn at the interpreter lock. A client keeps its connection while the server
    keeps it alive (gthread workers) and connects anew for each request when the server
    closes it (sync workers).

    With ``interval`` (seconds), each client sends on a fixed schedule (open loop) and
    latency is measured from the scheduled time, so a slow answer also counts against the
    requests that had to wait for it; without it, a client sends its next request as soon as
    the last is answered (closed loop)."""
    sel = selectors.DefaultSelector()
    idle = []
    for n, (secret, cprs) in enumerate(clients):
        rng = random.Random(n)
        idle.append({"sock": None, "secret": secret, "cprs": cprs, "rng": rng, "data": b"", "started": 0.0,
                     "next": time.perf_counter() + rng.random() * (interval or 0)})
    busy = 0
    while True:
        now = time.perf_counter()
        if now >= stop_at and not busy:
            break
        waiting = []
        for state in idle:
            if now >= state["next"] and now < stop_at:
                state["started"] = state["next"] if interval else now
                state["next"] += interval
                if state["sock"] is None:
                    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    sock.setblocking(False)
                    state["sock"] = sock
                    sel.register(sock, selectors.EVENT_READ, state)
                state["sock"].sendall(_request(port, state["secret"], state["rng"].choice(state["cprs"])))
                busy += 1
            elif now < stop_at:
                waiting.append(state)
        idle = waiting
        timeout = max(0.0, min((s["next"] for s in idle), default=now + 0.01) - time.perf_counter())
        for key, _ in sel.select(min(timeout, 0.01)):
            state = key.data
            chunk = state["sock"].recv(65536)
            if not chunk:
                raise ConnectionError("the server closed a connection before answering")
            state["data"] += chunk
            answer = _complete(state["data"])
            if answer is None:
                continue
            done = time.perf_counter()
            status, keep = answer
            if state["started"] >= measure_from:
                if status == 200:
                    latencies.append(done - state["started"])
                else:
                    errors.append(status)
            state["data"] = b""
            if not keep:
                sel.unregister(state["sock"])
                state["sock"].close()
                state["sock"] = None
            if not interval:
                state["next"] = done
            busy -= 1
            idle.append(state)
    for key in list(sel.get_map().values()):
        key.fileobj.close()


def server_command(server: str, *, port: int, workers: int, threads: int, worker_class: str = "gthread") -> list[str]:
    """The command line of a real server for ``helhed.wsgi`` on loopback: gunicorn (Python
    HTTP handling; ``sync`` or ``gthread`` workers) or granian (HTTP handled in Rust, the
    application in ``threads`` blocking threads per worker process)."""
    if server == "granian":
        return [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(workers), "--blocking-threads", str(threads), "--backlog", "256",
                "--log-level", "warning", "--no-ws", "helhed.wsgi:application"]
    return [sys.executable, "-m", "gunicorn", "helhed.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--worker-class", worker_class, "--workers", str(workers), "--threads", str(threads),
            "--keep-alive", "30", "--backlog", "256", "--log-level", "warning"]


def wait_for(port: int, timeout: float = 60) -> None:
    """Until the server answers its health check (the database reached) with 200."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description="Kvik-linje case-status load test")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="granian")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread",
                        help="sync: one request per process at a time, a connection per request; "
                             "gthread: threads and keep-alive connections")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="per worker process")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sample", type=int, default=20_000, help="citizens per municipality to draw from")
    parser.add_argument("--rate", type=float, default=0,
                        help="total requests per second, spread over the clients (open loop); 0 = as fast as possible")
    parser.add_argument("--out", default=str(HERE / "results" / "fasttrack_load.json"))
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database made by bench/national_data.py")

    keys, citizens, cases, size, codes = _setup(args.clients)
    cprs_by_code = {}
    for code, _ in keys:
        cprs_by_code[code] = [citizen_cpr(i) for i in citizen_numbers(code, citizens, args.sample)]

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen(server_command(args.server, port=args.port, workers=args.workers, threads=args.threads,  # noqa: S603
                                             worker_class=args.worker_class),
                              cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_for(args.port)
        load_before = os.getloadavg()
        latencies: list[float] = []
        errors: list[int] = []
        start = time.perf_counter()
        measure_from = start + args.warmup
        stop_at = measure_from + args.seconds
        _run_clients(args.port, [(secret, cprs_by_code[code]) for code, secret in keys], stop_at, measure_from,
                     latencies, errors, args.clients / args.rate if args.rate else 0)
        load_after = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else None

    result = {
        "requests": len(latencies), "errors": len(errors), "error_statuses": sorted(set(errors)),
        "seconds": args.seconds, "throughput_rps": round(len(latencies) / args.seconds, 1),
        "p50_ms": round(pct(50), 2), "p90_ms": round(pct(90), 2), "p99_ms": round(pct(99), 2),
        "max_ms": round(latencies[-1] * 1000, 2), "mean_ms": round(statistics.fmean(latencies) * 1000, 2),
        "mode": f"open loop at {args.rate:g} req/s" if args.rate else "closed loop (as fast as possible)",
        "clients": args.clients, "server": args.server, "worker_class": args.worker_class, "workers": args.workers,
        "threads": args.threads if args.worker_class == "gthread" else 1,
        "citizens": citizens, "cases": cases, "database_bytes": size,
        "loadavg_before": load_before, "loadavg_after": load_after,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
