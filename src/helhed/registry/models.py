import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.core.appendonly import AppendOnlyModel
from helhed.core.cpr import decrypt_cpr, format_cpr
from helhed.core.formats import kortdato
from helhed.core.models import Municipality


class NemKontoStatus(models.TextChoices):
    REGISTERED = "registered", "Har NemKonto"
    UDK_ACCOUNT = "udk_account", "Konto via Udbetaling Danmarks bank"
    MISSING = "missing", "Ingen NemKonto"


class AccountOpenedAt(models.TextChoices):
    """Where a citizen without NemKonto opened the account that became it (seed 004: "A
    citizen can get an account usable as NemKonto through UDK's bank")."""

    UDK_BANK = "udk_bank", "Via Udbetaling Danmarks bank"
    OTHER_BANK = "other_bank", "I en anden bank"


class Language(models.TextChoices):
    DA = "da", "Dansk"
    EN = "en", "Engelsk"
    AR = "ar", "Arabisk"
    SO = "so", "Somali"
    TR = "tr", "Tyrkisk"
    UK = "uk", "Ukrainsk"
    PL = "pl", "Polsk"
    FA = "fa", "Persisk"
    TI = "ti", "Tigrinya"
    OTHER = "other", "Andet sprog"


class Sex(models.TextChoices):
    MALE = "M", "Mand"
    FEMALE = "K", "Kvinde"


class Citizen(models.Model):
    """A citizen (borger) in the registry.

    The CPR number is stored only encrypted (``cpr_encrypted``) and found through a keyed
    blind index (``cpr_index``); birth date and sex are derived from it when the citizen is
    registered (``helhed.core.cpr.parse_cpr``). URLs use ``id``, a random UUID.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cpr_encrypted = models.TextField(editable=False)
    cpr_index = models.CharField(max_length=64, unique=True, editable=False)
    birth_date = models.DateField("fødselsdato")
    sex = models.CharField("køn", max_length=1, choices=Sex.choices)
    first_name = models.CharField("fornavn(e)", max_length=100)
    last_name = models.CharField("efternavn", max_length=100)
    search_name = models.CharField(max_length=201, editable=False, db_index=True)
    home_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="citizens", verbose_name="bopælskommune"
    )
    address_line = models.CharField("adresse", max_length=200, blank=True)
    postcode = models.CharField("postnummer", max_length=4, blank=True)
    city = models.CharField("by", max_length=100, blank=True)
    no_fixed_address = models.BooleanField("uden fast bopæl", default=False)
    phone = models.CharField("telefon", max_length=20, blank=True)
    email = models.EmailField("e-mail", blank=True)
    preferred_language = models.CharField(
        "foretrukket sprog", max_length=8, choices=Language.choices, default=Language.DA
    )
    nemkonto = models.CharField(
        "NemKonto", max_length=16, choices=NemKontoStatus.choices, default=NemKontoStatus.REGISTERED
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citizen",
        verbose_name="login til selvbetjening",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "borger"
        verbose_name_plural = "borgere"
        indexes = [models.Index(fields=["home_municipality", "search_name"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def interpreter_language(self) -> str:
        """The language the citizen needs an interpreter in, or "" (issue 19: a citizen's
        preferred language other than Danish sets an interpreter need, shown to staff where
        they book or meet the citizen). Our rule: the preference alone sets the need."""
        if self.preferred_language in ("", Language.DA):
            return ""
        return self.get_preferred_language_display().lower()

    @property
    def cpr(self) -> str:
        return format_cpr(decrypt_cpr(self.cpr_encrypted))

    def age(self, today: datetime.date) -> int:
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class DigitalPostGround(models.TextChoices):
    """Grounds for exemption from Digital Post (bekendtgørelse om fritagelse for digital
    post, as summarised in DOMAIN.md, seed 004)."""

    IMPAIRMENT = "impairment", "Fysisk eller kognitiv funktionsnedsættelse"
    NO_INTERNET = "no_internet", "Ingen computer med tilstrækkelig internetforbindelse i hjemmet"
    EMIGRATED = "emigrated", "Registreret som udrejst"
    HOMELESS = "homeless", "Hjemløs"
    LANGUAGE = "language", "Sprogvanskeligheder"
    MITID = "mitid", "Praktiske vanskeligheder ved at få MitID"


class DigitalPostExemption(models.Model):
    """A registered exemption from Digital Post: letters go on paper while it lasts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="digital_post_exemptions")
    ground = models.CharField("grund", max_length=16, choices=DigitalPostGround.choices)
    registered_on = models.DateField("registreret")
    expires_on = models.DateField("udløber")
    signed_by_representative = models.BooleanField(
        "erklæring underskrevet af repræsentant med fuldmagt", default=False
    )
    # The signed declaration, under MEDIA_ROOT, which is never served (no URL points at it).
    declaration = models.FileField("underskrevet erklæring", upload_to="digitalpost/%Y/", max_length=200,
                                   blank=True)
    representation = models.ForeignKey(
        "Representation", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="fuldmagt brugt af repræsentanten",
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="+", verbose_name="registreret af")

    class Meta:
        ordering = ["-registered_on"]
        verbose_name = "fritagelse for Digital Post"
        verbose_name_plural = "fritagelser for Digital Post"

    def __str__(self) -> str:
        return f"{self.get_ground_display()} ({kortdato(self.registered_on)} – {kortdato(self.expires_on)})"

    def is_active(self, today: datetime.date) -> bool:
        return self.registered_on <= today < self.expires_on


class RepresentationKind(models.TextChoices):
    POWER_OF_ATTORNEY = "fuldmagt", "Fuldmagt"
    PARTY_REPRESENTATIVE = "partsrepraesentant", "Partsrepræsentant"
    ASSISTANT = "bisidder", "Bisidder"


class RepresentationScope(models.TextChoices):
    """How far a fuldmagt reaches (forvaltningsloven § 8; seed 004: party representation
    handed to family, friends and the like, as in NemLog-in)."""

    FULL = "full", "Fuld fuldmagt: alle ydelser"
    AREAS = "areas", "Kun bestemte ydelser"
    READ_ONLY = "read_only", "Kun se oplysninger (ikke søge eller handle)"


class Representation(models.Model):
    """A person who may act for, or assist, a citizen (forvaltningsloven § 8).

    ``scope_kind`` and ``benefit_areas`` say what the representative may do
    (``rules.representation_permits``); a revoked representation permits nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="representations")
    representative = models.ForeignKey(
        Citizen, on_delete=models.CASCADE, related_name="represents", verbose_name="repræsentant"
    )
    kind = models.CharField("type", max_length=20, choices=RepresentationKind.choices)
    scope = models.CharField("omfang", max_length=300)
    valid_from = models.DateField("gyldig fra")
    valid_until = models.DateField("gyldig til", null=True, blank=True)
    scope_kind = models.CharField("fuldmagtens omfang", max_length=12, choices=RepresentationScope.choices,
                                  default=RepresentationScope.FULL)
    benefit_areas = models.JSONField("ydelser", default=list, blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="registreret af")
    revoked_at = models.DateTimeField("tilbagekaldt", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="tilbagekaldt af")

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "repræsentation"
        verbose_name_plural = "repræsentationer"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(citizen=models.F("representative")),
                name="representation_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="representation_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.scope}"

    def is_active(self, today: datetime.date) -> bool:
        return (self.revoked_at is None and self.valid_from <= today
                and (self.valid_until is None or today <= self.valid_until))


class NeedsFactor(models.TextChoices):
    """What the municipality weighs in its helhedsvurdering (seed 004, lov om Udbetaling
    Danmark § 3 stk. 3, as summarised in DOMAIN.md)."""

    PSYCHIATRIC = "psychiatric", "Psykisk funktionsnedsættelse"
    PHYSICAL = "physical", "Fysisk funktionsnedsættelse"
    LANGUAGE = "language", "Manglende sprogkundskaber"
    AGE = "age", "Alder"
    DIGITAL = "digital", "Ingen eller lidt erfaring med digitale medier"
    SOCIAL = "social", "Svære sociale problemer"
    OTHER = "other", "Andet"


class NeedsConclusion(models.TextChoices):
    NONE = "none", "Ingen særlige behov"
    DIGITAL_HELP = "digital_help", "Behov for hjælp til digital selvbetjening (§ 3, stk. 2)"
    SPECIAL_NEEDS = "special_needs", (
        "Særlige behov: hjælp til at søge, til at deltage i sagen og til kontakten med "
        "Udbetaling Danmark (§ 3, stk. 3)"
    )


class SpecialNeedsAssessment(models.Model):
    """The municipality's helhedsvurdering of whether a citizen has special needs.

    Source: seed 004 (lov om Udbetaling Danmark § 3 stk. 2 and 3): the municipality decides
    by an overall assessment, weighing the factors in ``NeedsFactor``; the citizen's own
    description of abilities and needs must be given considerable weight, so it is required.
    The newest assessment is the one in force (``selectors.current_assessment``). A citizen
    with special needs has a named municipal contact person, who receives every letter in
    the citizen's cases with a task to explain it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="needs_assessments")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    factors = models.JSONField("forhold", default=list, blank=True)
    factors_note = models.TextField("forholdene beskrevet", blank=True)
    citizen_description = models.TextField("borgerens egen beskrivelse af evner og behov")
    conclusion = models.CharField("konklusion", max_length=16, choices=NeedsConclusion.choices)
    reasoning = models.TextField("begrundelse")
    contact_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                       blank=True, related_name="+", verbose_name="kontaktperson i kommunen")
    assessed_on = models.DateField("vurderet")
    review_on = models.DateField("revurderes senest")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]
        verbose_name = "helhedsvurdering"
        verbose_name_plural = "helhedsvurderinger"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(conclusion="special_needs") | models.Q(contact_person__isnull=False),
                name="special_needs_have_contact_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_conclusion_display()} ({kortdato(self.assessed_on)})"


class NemKontoChange(models.Model):
    """A recorded change of a citizen's NemKonto status: a citizen without one has opened an
    account (through Udbetaling Danmark's bank or another bank). Kept for every change, so
    the citizen's page shows when and by whom the status was changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="nemkonto_changes")
    from_status = models.CharField("før", max_length=16, choices=NemKontoStatus.choices)
    to_status = models.CharField("efter", max_length=16, choices=NemKontoStatus.choices)
    opened_at = models.CharField("kontoen er åbnet", max_length=16, choices=AccountOpenedAt.choices)
    opened_on = models.DateField("åbnet den")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="registreret af")
    recorded_at = models.DateTimeField("registreret", default=timezone.now, editable=False)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = "ændring af NemKonto"
        verbose_name_plural = "ændringer af NemKonto"

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()} ({kortdato(self.opened_on)})"


class ExplainLetterLine(models.Model):
    """A line a municipality puts at the end of every letter to a citizen whose preferred
    language is ``language``: written in that language, it says how to get the letter
    explained (issue 19: "letters to a citizen with another preferred language carry one
    line in that language ... for the languages the municipality sets up"). Set up in the
    admin; the text is the municipality's own."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="explain_letter_lines",
                                     verbose_name="kommune")
    language = models.CharField("sprog", max_length=8,
                                choices=[c for c in Language.choices if c[0] not in (Language.DA, Language.OTHER)])
    text = models.CharField("linjen på sproget", max_length=300,
                            help_text="Fx hvor og hvordan borgeren kan få brevet forklaret, med telefonnummer.")

    class Meta:
        ordering = ["municipality", "language"]
        verbose_name = "linje om at få brevet forklaret"
        verbose_name_plural = "linjer om at få brevet forklaret"
        constraints = [models.UniqueConstraint(fields=["municipality", "language"],
                                               name="one_explain_line_per_language")]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_language_display()}"


class Move(AppendOnlyModel):
    """A citizen's move from one municipality to another, as registered: the evidence behind
    the home municipality that scopes who sees the citizen and the citizen's Udbetaling
    Danmark cases (``casework.services.move_citizen``). Append-only: a wrong move is put
    right by a new move, never by rewriting this one."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="moves")
    from_municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                          verbose_name="fraflytningskommune")
    to_municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                        verbose_name="tilflytningskommune")
    moved_on = models.DateField("flyttedato")
    registered_at = models.DateTimeField("registreret", default=timezone.now, editable=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")

    class Meta:
        ordering = ["-moved_on", "-registered_at"]
        verbose_name = "flytning"
        verbose_name_plural = "flytninger"

    def __str__(self) -> str:
        return f"{kortdato(self.moved_on)}: {self.from_municipality_id} til {self.to_municipality_id}"
