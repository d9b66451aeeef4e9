"""A large effort import and concurrent audited reads on a file-based SQLite database, run in
its own process so that it uses the real settings (WAL, busy timeout, IMMEDIATE
transactions) on a real file, not the test suite's in-memory database.

``python -m tests.review.concurrent_import ROWS READERS`` with ``DATABASE_URL`` pointing at
an SQLite file: migrates it, makes a review programme, then posts a CSV of ``ROWS`` efforts
to the import page as a caseworker while ``READERS`` other users (their own threads and
database connections) open a citizen's overview page, which writes to the read log, again
and again. Prints one JSON line: the import's status and time, and every read's status and
time (or its exception)."""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time


def main(rows: int, readers: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhed.settings")
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from helhed.core.roles import Role
    from helhed.demo.cpr import demo_cpr
    from helhed.review import services
    from helhed.review.models import Effort
    from tests.factories import UserFactory, make_citizen
    from tests.review.conftest import make_result

    assert connection.vendor == "sqlite" and not connection.is_in_memory_db()
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    manager = UserFactory(role=Role.JOBCENTRE_MANAGER, municipalities=[751])
    worker = UserFactory(role=Role.CASEWORKER, municipalities=[751])
    karen = make_citizen(municipality=751, first_name="Karen", last_name="Læsesen")
    rng, taken = random.Random(7), {karen.cpr}
    cprs = [demo_cpr(today.replace(year=1960 + i % 40, day=1), "KM"[i % 2], rng, taken) for i in range(500)]
    result = make_result(manager, [karen.cpr, *cprs])
    programme = services.create_programme(actor=manager, result=result, municipality_id=751, name="Stor indlæsning",
                                          started_on=today.replace(day=1))
    lines = ["cpr,type,start,slut,timer,arbejdsgiver"]
    lines += [f"{cprs[i % len(cprs)]},mentor,{today.isoformat()},,\"2,5\"," for i in range(rows)]
    content = ("\n".join(lines) + "\n").encode()
    readers_logins = [UserFactory(role=Role.CASEWORKER, municipalities=[751]) for _ in range(readers)]
    connection.close()

    done = threading.Event()
    reads: list[dict] = []
    lock = threading.Lock()

    def read(user) -> None:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        while not done.is_set():
            started = time.monotonic()
            try:
                response = client.get(f"/borgere/{karen.pk}/")
                outcome = {"status": response.status_code}
            except Exception as error:  # noqa: BLE001  (reported, not raised: the thread must go on)
                outcome = {"error": f"{type(error).__name__}: {error}"}
            outcome["seconds"] = round(time.monotonic() - started, 3)
            with lock:
                reads.append(outcome)
        connection.close()

    threads = [threading.Thread(target=read, args=(u,)) for u in readers_logins]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the readers are reading before the import starts
    importer = Client(raise_request_exception=False)
    importer.force_login(worker)
    started = time.monotonic()
    response = importer.post(f"/gennemgang/program/{programme.pk}/indlaes/",
                             {"file": SimpleUploadedFile("indsatser.csv", content, content_type="text/csv")})
    import_seconds = time.monotonic() - started
    time.sleep(0.5)  # and go on reading after it
    done.set()
    for t in threads:
        t.join()
    return {"import_status": response.status_code, "import_seconds": round(import_seconds, 2),
            "efforts": Effort.objects.filter(case__programme=programme).count(), "reads": reads}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
