from django.utils import timezone

from helhed.casework import outbox
from helhed.core.commands import Command as BaseCommand
from helhed.core.commands import count


class Command(BaseCommand):
    help = "Sender breve fra sagernes udbakke: til borgerens Digital Post eller til udskriftskøen."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=count, default=200)

    def handle(self, *args, limit, **options):
        counts = outbox.deliver(now=timezone.now(), limit=limit)
        self.stdout.write(f"Digital Post: {counts['digital_post']}, udskriftskø: {counts['print']}, "
                          f"prøves igen: {counts['retry']}, fejlet: {counts['failed']}.")
