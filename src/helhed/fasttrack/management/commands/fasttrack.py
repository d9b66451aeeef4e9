"""`helhed fasttrack …`: organisations and keys on the Kvik-linje from the command line."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

from helhed.core.commands import Command as BaseCommand
from helhed.core.commands import count
from helhed.fasttrack import services
from helhed.fasttrack.models import ApiKey, KeyScope, Organisation, OrganisationKind


class Command(BaseCommand):
    help = "Kvik-linjen: organisationer og API-nøgler (nøglen vises én gang og gemmes kun som hash)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        org = sub.add_parser("create-organisation", help="Registrér en kommune eller brugerorganisation")
        org.add_argument("name")
        org.add_argument("--municipality", type=int, help="Kommunekode (kun for kommuner)")
        key = sub.add_parser("create-key", help="Udsted en nøgle")
        key.add_argument("organisation", help="Organisationens navn")
        key.add_argument("--name", default="API-klient")
        key.add_argument("--scope", action="append", choices=KeyScope.values,
                         help="Gentag for flere; standard: alle")
        key.add_argument("--days", type=count, default=None)
        key.add_argument("--rate-limit", type=count, default=120, help="Kald pr. minut")
        sub.add_parser("list-keys", help="Vis nøgler (uden hemmeligheden)")
        revoke = sub.add_parser("revoke-key", help="Tilbagekald en nøgle")
        revoke.add_argument("prefix", help="Nøglen, som `list-keys` viser den: hlk_ og de første 8 tegn")

    def handle(self, action, **options):
        try:
            getattr(self, action.replace("-", "_"))(**options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

    def create_organisation(self, name, municipality, **_):
        kind = OrganisationKind.MUNICIPALITY if municipality else OrganisationKind.USER_ORGANISATION
        org = services.create_organisation(name=name, kind=kind, municipality_id=municipality)
        self.stdout.write(f"Organisation oprettet: {org.name} ({org.get_kind_display().lower()})")

    def create_key(self, organisation, name, scope, days, rate_limit, **_):
        org = Organisation.objects.filter(name=organisation).first()
        if org is None:
            raise CommandError(f"Ingen organisation hedder {organisation!r}.")
        key, secret = services.create_key(organisation=org, name=name, scopes=scope or KeyScope.values, days=days,
                                          rate_limit_per_minute=rate_limit)
        self.stdout.write(f"Nøgle til {org.name} ({key.scopes}; udløber {key.expires_at:%Y-%m-%d}):")
        self.stdout.write(secret)

    def list_keys(self, **_):
        now = timezone.now()
        for key in ApiKey.objects.select_related("organisation").order_by("organisation__name", "-created_at"):
            state = "tilbagekaldt" if key.revoked_at else ("aktiv" if key.is_usable(now) else "udløbet")
            self.stdout.write(f"hlk_{key.prefix}…  {key.organisation.name}  {key.name}  {key.scopes}  "
                              f"udløber {key.expires_at:%Y-%m-%d}  {state}")

    def revoke_key(self, prefix, **_):
        key = ApiKey.objects.filter(prefix=prefix.removeprefix("hlk_").rstrip("…")).first()
        if key is None:
            raise CommandError("Ingen nøgle begynder sådan.")
        services.revoke_key(key=key)
        self.stdout.write(f"Nøglen hlk_{key.prefix}… er tilbagekaldt.")
