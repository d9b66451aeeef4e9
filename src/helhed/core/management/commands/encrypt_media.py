from pathlib import Path

from django.conf import settings

from helhed.core.commands import Command as BaseCommand
from helhed.core.storage import encrypt_in_place


class Command(BaseCommand):
    help = ("Krypter de uploadede filer, der endnu ikke er krypteret (fra før filerne blev krypteret), "
            "med CPR-nøglerne. Filer, der allerede er krypteret, røres ikke.")

    def handle(self, **options):
        media = Path(settings.MEDIA_ROOT)
        files = [p for p in sorted(media.rglob("*")) if p.is_file() and not p.is_symlink()] if media.is_dir() else []
        changed = sum(encrypt_in_place(p) for p in files)
        self.stdout.write(f"{changed} af {len(files)} filer er krypteret nu; resten var krypteret i forvejen.")
