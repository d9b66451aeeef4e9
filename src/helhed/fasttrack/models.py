"""The Kvik-linje (seed 004): Udbetaling Danmark's fast track for municipalities and user
organisations. An organisation holds API keys with scopes; a user organisation sees a
citizen only under the citizen's consent or power of attorney; questions about a case go
to Udbetaling Danmark's queue and are answered there."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.casework.models import Case, Task
from helhed.core.models import Municipality
from helhed.registry.models import Citizen


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", "Kommune"
    USER_ORGANISATION = "user_organisation", "Brugerorganisation"


class Organisation(models.Model):
    """A municipality or a user organisation (Hus Forbi, SAND, Ældre Sagen, ...) on the
    Kvik-linje. ``audit_actor`` is an inactive user that stands for the organisation's API
    clients in the read audit, so the citizen's log names the organisation."""

    name = models.CharField("navn", max_length=128, unique=True)
    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    municipality = models.OneToOneField(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="kommune",
        help_text="Kun for kommuner: kommunens egne borgere (bopælskommune) kan slås op.",
    )
    audit_actor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       editable=False)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="fasttrack_organisations",
                                     verbose_name="medarbejdere",
                                     help_text="Medarbejdere, der kan se organisationens spørgsmål og nøgler.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "Kvik-linje-organisation"
        verbose_name_plural = "Kvik-linje-organisationer"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="municipality", municipality__isnull=False)
                           | models.Q(kind="user_organisation", municipality__isnull=True)),
                name="fasttrack_municipality_iff_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_municipality(self) -> bool:
        return self.kind == OrganisationKind.MUNICIPALITY


class KeyScope(models.TextChoices):
    CASE_STATUS_READ = "case-status:read", "Slå sagsstatus op"
    QUESTIONS_WRITE = "questions:write", "Stille spørgsmål til Udbetaling Danmark"
    QUESTIONS_READ = "questions:read", "Læse spørgsmål og svar"


class ApiKey(models.Model):
    """An organisation's API key. Only a SHA-256 hash is stored; the key is shown once."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="keys",
                                     verbose_name="organisation")
    name = models.CharField("navn", max_length=100)
    prefix = models.CharField("begyndelse", max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.CharField("rettigheder", max_length=200,
                              help_text="Mellemrumsadskilt, fx: case-status:read questions:write questions:read")
    rate_limit_per_minute = models.PositiveIntegerField("kald pr. minut", default=120)
    created_at = models.DateTimeField("oprettet", default=timezone.now, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False)
    expires_at = models.DateTimeField("udløber")
    revoked_at = models.DateTimeField("tilbagekaldt", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["organisation", "-created_at"]
        verbose_name = "Kvik-linje-nøgle"
        verbose_name_plural = "Kvik-linje-nøgler"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def scope_labels(self) -> list[str]:
        """What the key may do, in Danish, in the order of ``KeyScope`` (a value the key may
        hold but ``KeyScope`` does not know is shown as it is, rather than hidden)."""
        known = [label for value, label in KeyScope.choices if value in self.scope_set]
        return known + sorted(self.scope_set - set(KeyScope.values))

    def is_usable(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class KeyUsage(models.Model):
    """Calls made with a key in one minute (``minute`` = Unix time // 60). The same row is
    the rate limit's counter (shared by every server process) and the usage statistics."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage")
    minute = models.BigIntegerField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "nøgleforbrug"
        verbose_name_plural = "nøgleforbrug"
        constraints = [models.UniqueConstraint(fields=["key", "minute"], name="fasttrack_usage_per_minute")]

    def __str__(self) -> str:
        return f"{self.key_id} @ {self.minute}: {self.calls}"


class ConsentKind(models.TextChoices):
    CONSENT = "samtykke", "Samtykke"
    POWER_OF_ATTORNEY = "fuldmagt", "Fuldmagt"


class ConsentScope(models.TextChoices):
    CASE_STATUS = "case-status", "Se status på dine sager hos Udbetaling Danmark"
    QUESTIONS = "questions", "Stille Udbetaling Danmark spørgsmål om dine sager og forhold dér"


class ConsentChannel(models.TextChoices):
    PAPER = "papir", "På papir (registreret af en medarbejder)"
    SELF_SERVICE = "selvbetjening", "Givet af borgeren selv (Mine oplysninger)"


class Consent(models.Model):
    """A citizen's consent or power of attorney for a user organisation (forvaltningsloven
    § 8): given by the citizen in self-service, or given on paper and registered by municipal
    or Udbetaling Danmark staff (``given_via``); the citizen can revoke it. It covers the
    citizen's cases at Udbetaling Danmark only, never the municipality's own cases."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="fasttrack_consents",
                                verbose_name="borger")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="consents",
                                     verbose_name="organisation")
    kind = models.CharField("type", max_length=12, choices=ConsentKind.choices, default=ConsentKind.CONSENT)
    scopes = models.CharField("omfang", max_length=100)
    valid_from = models.DateField("gyldig fra")
    valid_until = models.DateField("gyldig til")
    registered_at = models.DateTimeField(default=timezone.now, editable=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                      related_name="+", editable=False)
    revoked_at = models.DateTimeField("tilbagekaldt", null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", editable=False)
    given_via = models.CharField("givet", max_length=16, choices=ConsentChannel.choices,
                                 default=ConsentChannel.PAPER, editable=False)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "samtykke til Kvik-linjen"
        verbose_name_plural = "samtykker til Kvik-linjen"
        indexes = [models.Index(fields=["citizen", "organisation"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")),
                                   name="fasttrack_consent_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} til {self.organisation}"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    def scope_labels(self) -> list[str]:
        return [ConsentScope(s).label for s in self.scopes.split() if s in ConsentScope.values]

    def is_active(self, today: datetime.date) -> bool:
        return self.revoked_at is None and self.valid_from <= today <= self.valid_until


class QuestionStatus(models.TextChoices):
    OPEN = "open", "Venter på svar"
    ANSWERED = "answered", "Besvaret"


class Question(models.Model):
    """A question to Udbetaling Danmark about one of the citizen's Udbetaling Danmark cases,
    or (no ``case``) about the citizen's matter at Udbetaling Danmark, such as whether to
    apply (advice and guidance, seed 004). Never about a municipality's own case
    (``rules.on_kvik_linje``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="questions",
                                     verbose_name="organisation")
    key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                            verbose_name="nøgle")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="fasttrack_questions",
                             verbose_name="sag", null=True, blank=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="fasttrack_questions",
                                verbose_name="borger")
    subject = models.CharField("emne", max_length=200)
    body = models.TextField("spørgsmål")
    asked_at = models.DateTimeField("stillet", default=timezone.now)
    due_on = models.DateField("svarfrist")
    status = models.CharField("status", max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN)
    answer = models.TextField("svar", blank=True)
    answered_at = models.DateTimeField("besvaret", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="besvaret af")
    task = models.ForeignKey(Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "asked_at"]
        verbose_name = "spørgsmål via Kvik-linjen"
        verbose_name_plural = "spørgsmål via Kvik-linjen"
        indexes = [models.Index(fields=["status", "due_on"]), models.Index(fields=["organisation", "-asked_at"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                    name="fasttrack_question_once"),
        ]

    def __str__(self) -> str:
        return self.subject
