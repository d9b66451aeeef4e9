from pathlib import Path

from django.core.management.base import CommandError

from helhed.core.backup import BackupError, read_manifest, restore_backup
from helhed.core.commands import Command as BaseCommand


class Command(BaseCommand):
    help = "Genskab databasen og de uploadede filer fra en sikkerhedskopi. Erstatter alt."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--yes", action="store_true", help="Bekræft at alle nuværende data erstattes.")

    def handle(self, source: Path, yes: bool, **options):
        if not source.is_file():
            raise CommandError(f"{source} findes ikke.")
        try:
            manifest = read_manifest(source)
            if not yes:
                raise CommandError(
                    f"Sikkerhedskopien er fra {manifest['created_at']}. Alle nuværende data bliver "
                    "erstattet. Kør igen med --yes for at genskabe."
                )
            restore_backup(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Genskabt fra {source} (taget {manifest['created_at']}).")
