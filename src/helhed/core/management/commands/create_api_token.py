from django.core.management.base import CommandError

from helhed.core.commands import Command as BaseCommand
from helhed.core.commands import count
from helhed.core.models import User
from helhed.core.services import create_api_token


class Command(BaseCommand):
    help = ("Lav en API-nøgle til en bruger (sendes som `Authorization: Bearer …`). "
            "Nøglen vises én gang og gemmes kun som hash.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API-klient")
        parser.add_argument("--days", type=count, default=None, help="Levetid i dage")

    def handle(self, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Ingen aktiv bruger med brugernavnet {username!r}.")
        token, secret = create_api_token(user=user, name=name, days=days)
        self.stdout.write(f"API-nøgle til {username} (udløber {token.expires_at:%Y-%m-%d}):")
        self.stdout.write(secret)
