from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from helhed.core.backup import BackupError, make_backup
from helhed.core.commands import Command as BaseCommand


class Command(BaseCommand):
    help = "Tag en sikkerhedskopi af databasen og de uploadede filer til én fil (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path)

    def handle(self, destination: Path, **options):
        if destination.exists():
            raise CommandError(f"{destination} findes allerede; vælg et nyt filnavn.")
        try:
            manifest = make_backup(destination, now=timezone.now())
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Sikkerhedskopi ({manifest['engine']}) skrevet til {destination}.")
