"""`helhed lockout …`: see and lift lock-outs after failed log-ins and API keys
(helhed.core.lockout)."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management.base import CommandError
from django.db.models import Max, Sum
from django.utils import timezone

from helhed.core.commands import Command as BaseCommand


class Command(BaseCommand):
    help = "Spærringer efter forkerte log-ind og API-nøgler: vis dem, eller ophæv en."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Vis brugernavne, adresser og nøgler med forkerte forsøg lige nu")
        lift = sub.add_parser("lift", help="Ophæv en spærring (slet de forkerte forsøg)")
        lift.add_argument("--username", help="Brugernavnet, eller api:adresse:<ip> / api:nøgle:<hlk_…>, "
                          "som list viser det")
        lift.add_argument("--address", help="IP-adressen")

    def handle(self, action, **options):
        getattr(self, action)(**options)

    def list(self, **_):
        now = timezone.now()
        cool_off = get_cool_off()
        rows = (AccessAttempt.objects.filter(attempt_time__gte=now - cool_off)
                .values("username", "ip_address")
                .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
                .order_by("-last"))
        if not rows:
            self.stdout.write("Ingen forkerte forsøg inden for de seneste "
                              f"{int(cool_off.total_seconds() // 60)} minutter.")
        for row in rows:
            locked = row["failures"] >= settings.AXES_FAILURE_LIMIT
            state = (f"spærret til kl. {timezone.localtime(row['last'] + cool_off):%H.%M}" if locked
                     else "ikke spærret")
            self.stdout.write(f"{row['username']}  fra {row['ip_address']}  {row['failures']} forkerte forsøg  "
                              f"senest kl. {timezone.localtime(row['last']):%H.%M}  {state}")

    def lift(self, username, address, **_):
        if not username and not address:
            raise CommandError("Angiv --username, --address eller begge.")
        count = AxesProxyHandler.reset_attempts(username=username, ip_address=address)
        if not count:
            raise CommandError("Ingen forkerte forsøg passer på det; intet er ophævet.")
        who = " fra ".join(part for part in (username, address) if part)
        plural = "er" if count != 1 else ""
        self.stdout.write(f"Spærringen for {who} er ophævet ({count} registrering{plural} slettet).")
