import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from helhed.core.appendonly import AppendOnlyModel
from helhed.core.formats import kortdato_klokken
from helhed.core.roles import MUNICIPAL_ROLES, Role

# The two municipalities whose official names are not "<name> Kommune" (Danmarks Statistik's
# list of municipalities, and the municipalities' own names).
OFFICIAL_NAMES = {101: "Københavns Kommune", 400: "Bornholms Regionskommune"}


class Municipality(models.Model):
    """One of Denmark's 98 municipalities (kommuner), keyed by its official code."""

    code = models.PositiveSmallIntegerField("kommunekode", primary_key=True)
    name = models.CharField("navn", max_length=64, unique=True)
    region = models.CharField("region", max_length=32)
    region_code = models.PositiveSmallIntegerField("regionskode")
    iso_code = models.CharField("ISO 3166-2", max_length=8)

    class Meta:
        ordering = ["name"]
        verbose_name = "kommune"
        verbose_name_plural = "kommuner"

    def __str__(self) -> str:
        return OFFICIAL_NAMES.get(self.code, f"{self.name} Kommune")


class User(AbstractUser):
    """A person who logs in: staff of an authority or organisation, or a citizen."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField("rolle", max_length=32, choices=Role.choices, default=Role.CASEWORKER)
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="staff",
        verbose_name="kommuner",
        help_text="Kommunale roller ser kun borgere i disse kommuner.",
    )
    organisation = models.CharField(
        "organisation",
        max_length=128,
        blank=True,
        help_text="Fx Udbetaling Danmark, Beskæftigelsesministeriet eller brugerorganisationens navn.",
    )
    is_demo = models.BooleanField(
        "demobruger",
        default=False,
        help_text="Oprettet til demo-universet. Kan kun logge ind, når systemet kører i demo-tilstand.",
    )

    access_version = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = "bruger"
        verbose_name_plural = "brugere"

    @property
    def is_municipal(self) -> bool:
        return self.role in MUNICIPAL_ROLES

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_access = (user.__dict__.get("role"), user.__dict__.get("is_active"))
        return user

    def save(self, *args, **kwargs):
        """A change of role or active flag makes the access kept in sessions stale
        (``core.access``). (A queryset ``update`` of either must call ``access.bump``.)"""
        loaded = getattr(self, "_loaded_access", None)
        if loaded is not None and loaded != (self.role, self.is_active):
            self.access_version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "access_version"}
        super().save(*args, **kwargs)
        self._loaded_access = (self.role, self.is_active)

    def organisation_label(self) -> str:
        """The authority the user acts for, as a citizen should read it in their log."""
        if self.is_municipal:
            cached = getattr(self, "_municipality_names", None)
            names = sorted(cached if cached is not None else (str(m) for m in self.municipalities.all()))
            return ", ".join(names) or "Kommune"
        return self.organisation or self.get_role_display()


class AuditRecord(AppendOnlyModel):
    """One read of a citizen's personal data: who, as what, what, why, when.

    Written by ``helhed.core.audit.record_read``; append-only: the application can neither
    change nor delete a record (model, queryset and admin all refuse). The citizen is kept as
    its UUID, not a foreign key, so the log outlives any change to the registry.
    """

    at = models.DateTimeField("tidspunkt", default=timezone.now, db_index=True)
    # No foreign-key constraint in the database (Django still refuses to delete a user with
    # records): its check share-locks the user's row on every insert, and all the records of
    # one actor, such as a Kvik-linje organisation's, would queue on that one row.
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="bruger", db_constraint=False
    )
    actor_name = models.CharField("brugerens navn", max_length=150)
    actor_role = models.CharField("rolle", max_length=32, choices=Role.choices)
    actor_organisation = models.CharField("organisation", max_length=256)
    citizen_uuid = models.UUIDField("borger")  # indexed with ``at`` below
    what = models.CharField("hvad blev vist", max_length=200)
    purpose = models.CharField("formål", max_length=200)
    channel = models.CharField("kanal", max_length=16)  # web, api
    request_id = models.CharField("request-id", max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "læselog"
        verbose_name_plural = "læselog"
        indexes = [models.Index(fields=["citizen_uuid", "-at"])]

    def __str__(self) -> str:
        return f"{kortdato_klokken(self.at)} {self.actor_name}: {self.what}"



class ApiToken(models.Model):
    """A bearer token for an API client acting as a user. Only a SHA-256 hash is stored;
    the token itself is shown once when made (``helhed create_api_token``)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("navn", max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField("udløber")
    revoked_at = models.DateTimeField("tilbagekaldt", null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API-nøgle"
        verbose_name_plural = "API-nøgler"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now


class JobRunOutcome(models.TextChoices):
    RUNNING = "running", "Kører"
    OK = "ok", "Gennemført"
    FAILED = "failed", "Fejlet"


class JobRun(models.Model):
    """One run of a scheduled job of ``helhed worker`` (``helhed.core.worker``).

    The unique constraint on (job, scheduled_for) is the claim: the worker that inserts the
    row runs the job, every other worker gets an IntegrityError and leaves it, so a scheduled
    run happens once however many workers run on however many machines. While it runs, the
    worker writes ``heartbeat_at``; a run that has given no sign of life for a while was
    left by a worker that died, and is taken over or marked failed (``worker.recover_stale``).
    """

    job = models.CharField("opgave", max_length=64)
    scheduled_for = models.DateTimeField("planlagt til")
    started_at = models.DateTimeField("startet")
    finished_at = models.DateTimeField("afsluttet", null=True, blank=True)
    outcome = models.CharField("udfald", max_length=16, choices=JobRunOutcome.choices,
                               default=JobRunOutcome.RUNNING)
    message = models.CharField("besked", max_length=500, blank=True)
    host = models.CharField("maskine og proces", max_length=200, blank=True)
    heartbeat_at = models.DateTimeField("seneste livstegn", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("forsøg", default=1)

    class Meta:
        ordering = ["-scheduled_for", "job"]
        verbose_name = "kørsel af planlagt opgave"
        verbose_name_plural = "kørsler af planlagte opgaver"
        constraints = [
            models.UniqueConstraint(fields=["job", "scheduled_for"], name="core_jobrun_once_per_scheduled_time"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {kortdato_klokken(self.scheduled_for)}: {self.get_outcome_display()}"


class StaffGroupRole(models.Model):
    """What a group from the organisation's identity provider gives its members in helhed: a
    role, and for municipal roles the municipalities they serve. An administrator keeps these
    in the admin; a staff member's role and municipalities are set from them at every login
    through the organisation's provider (``helhed.core.oidc.staff_user``). A user whose groups
    match none gets no access."""

    group = models.CharField(
        "gruppe", max_length=200, unique=True,
        help_text="Gruppens navn nøjagtigt som organisationens login sender det.",
    )
    role = models.CharField("rolle", max_length=32, choices=[c for c in Role.choices if c[0] != Role.CITIZEN])
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name="kommuner",
        help_text="Kommunale roller ser kun borgere i disse kommuner.",
    )
    organisation = models.CharField("organisation", max_length=128, blank=True)

    class Meta:
        ordering = ["group"]
        verbose_name = "gruppe fra organisationens login"
        verbose_name_plural = "grupper fra organisationens login"

    def __str__(self) -> str:
        return f"{self.group}: {self.get_role_display()}"
