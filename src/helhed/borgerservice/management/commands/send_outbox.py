from django.utils import timezone

from helhed.borgerservice import outbox, services
from helhed.core.commands import Command as BaseCommand
from helhed.core.commands import count


class Command(BaseCommand):
    help = "Sender Borgerservices beskeder (bekræftelser, påmindelser) fra udbakken: e-mail og SMS."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=count, default=500)
        parser.add_argument("--no-reminders", action="store_true", help="Læg ikke påmindelser i kø først.")

    def handle(self, *args, limit, no_reminders, **options):
        now = timezone.now()
        reminders = 0 if no_reminders else services.queue_reminders(now=now)
        counts = outbox.deliver(now=now, limit=limit)
        self.stdout.write(f"Påmindelser lagt i kø: {reminders}. Sendt: {counts['sent']}, "
                          f"prøves igen: {counts['retry']}, fejlet: {counts['failed']}.")
