"""``helhed demo``: build the demo universe from scratch in a fresh database and serve it."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.utils import timezone

from helhed.core.commands import Command as BaseCommand
from helhed.core.commands import count
from helhed.demo.personas import DEMO_PASSWORD, PERSONAS, STAFF
from helhed.demo.services import build_demo_universe


class Command(BaseCommand):
    help = "Byg demo-universet forfra i en ny database og start helhed med det."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--load-only", action="store_true", help="Byg data, men start ikke serveren")
        parser.add_argument("--citizens", type=count, default=2000, help="Antal genererede borgere")
        parser.add_argument("--seed", type=int, default=2017)

    def handle(self, *args, port, host, load_only, citizens, seed, **options):
        if not settings.DEMO_MODE:
            raise CommandError("helhed demo kører kun med HELHED_MODE=demo (aldrig i produktion).")
        if citizens < 0:
            raise CommandError("--citizens skal være 0 eller mere.")
        self._fresh_database()
        call_command("migrate", verbosity=0, interactive=False)
        universe = build_demo_universe(citizens=citizens, seed=seed, today=timezone.localdate())
        self.stdout.write(self.style.SUCCESS(
            f"Demo-universet er bygget: {len(universe.personas)} personaer, "
            f"{universe.generated} genererede borgere og {len(universe.staff)} medarbejdere."
        ))
        self._print_logins(host, port)
        if not load_only:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)

    def _fresh_database(self):
        db = settings.DATABASES["default"]
        connections.close_all()
        if db["ENGINE"] == "django.db.backends.sqlite3":
            path = Path(db["NAME"])
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            path.parent.mkdir(parents=True, exist_ok=True)
        else:
            # Not ``flush``: it would also empty what data migrations load (the 98
            # municipalities, Borgerservice's services), and migrate would not load it again.
            with connections["default"].cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")

    def _print_logins(self, host, port):
        out = self.stdout.write
        out("")
        out(f"helhed kører på http://{host}:{port}/")
        out(f"Medarbejdere (adgangskode: {DEMO_PASSWORD}):")
        for s in STAFF:
            out(f"  {s.username:<24} {s.note}")
        out(f"Borgere: vælg en persona på http://{host}:{port}/demo/")
        for p in PERSONAS:
            out(f"  {p.first_name} {p.last_name}")
        out("")
