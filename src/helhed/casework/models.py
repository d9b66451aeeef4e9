"""Cases (sager) about benefits, whichever channel the application came by.

Seed 004 (L 86, lov om Udbetaling Danmark): Udbetaling Danmark decides most of the benefits
it pays, the municipality decides its own (and førtidspension). A case belongs to one
citizen, one benefit area and the authority that decides it; ``municipality`` is the
citizen's home municipality when the case was opened and scopes municipal staff's access.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.core.models import Municipality
from helhed.registry.models import Citizen


class Authority(models.TextChoices):
    UDK = "udk", "Udbetaling Danmark"
    MUNICIPALITY = "municipality", "Kommunen"


class BenefitArea(models.TextChoices):
    FOLKEPENSION = "folkepension", "Folkepension"
    FOERTIDSPENSION = "foertidspension", "Førtidspension"
    BOLIGSTOETTE = "boligstoette", "Boligstøtte"
    BOERNE_UNGEYDELSE = "boerne_ungeydelse", "Børne- og ungeydelse"
    BARSELSDAGPENGE = "barselsdagpenge", "Barselsdagpenge"
    KONTANTHJAELP = "kontanthjaelp", "Kontanthjælp"


# Who decides each benefit. Source: seed 004 (lov om Udbetaling Danmark § 2: UDK handles
# folkepension, boligstøtte, børne- og ungeydelse and barselsdagpenge); førtidspension is
# decided by the municipality and paid by UDK (lov om social pension § 18); kontanthjælp is
# the municipality's own (lov om aktiv socialpolitik § 11).
DECIDING_AUTHORITY: dict[str, str] = {
    BenefitArea.FOLKEPENSION: Authority.UDK,
    BenefitArea.FOERTIDSPENSION: Authority.MUNICIPALITY,
    BenefitArea.BOLIGSTOETTE: Authority.UDK,
    BenefitArea.BOERNE_UNGEYDELSE: Authority.UDK,
    BenefitArea.BARSELSDAGPENGE: Authority.UDK,
    BenefitArea.KONTANTHJAELP: Authority.MUNICIPALITY,
}


def deciding_authority(benefit_area: str) -> str:
    """The authority that decides an application in ``benefit_area`` (``DECIDING_AUTHORITY``)."""
    return DECIDING_AUTHORITY[benefit_area]


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "Modtaget"
    PROCESSING = "processing", "Under behandling"
    HEARING = "hearing", "Partshøring"
    DECIDED = "decided", "Afgjort"
    COMPLAINT = "complaint", "Klage under behandling"
    CLOSED = "closed", "Afsluttet"


class Case(models.Model):
    """One case. Changed only through ``helhed.casework.services``; ``version`` is the
    optimistic lock; ``reference`` is the case number shown to people (no personal data)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField("sagsnummer", max_length=20, unique=True)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="cases", verbose_name="borger")
    benefit_area = models.CharField("ydelse", max_length=24, choices=BenefitArea.choices)
    authority = models.CharField("myndighed", max_length=16, choices=Authority.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    status = models.CharField("status", max_length=16, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    opened_on = models.DateField("modtaget")
    decided_on = models.DateField("afgjort", null=True, blank=True)
    caseworker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", verbose_name="sagsbehandler")
    version = models.PositiveIntegerField("version", default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_on", "reference"]
        verbose_name = "sag"
        verbose_name_plural = "sager"
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["authority", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_benefit_area_display()}"


class TaskKind(models.TextChoices):
    REFERRAL = "referral", "Henvisning fra Udbetaling Danmark"
    EXPLAIN_LETTER = "explain_letter", "Forklar brev til borger med særlige behov"
    NEMKONTO = "nemkonto", "Hjælp borgeren med at få en NemKonto"
    HEARING = "hearing", "Partshøring"
    QUESTION = "question", "Spørgsmål via Kvik-linjen"
    OTHER = "other", "Anden opgave"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Åben"
    DONE = "done", "Løst"


class Task(models.Model):
    """An item in a work queue: the municipality's (``municipality`` set) or Udbetaling
    Danmark's (``authority`` = udk). Every capability puts its tasks here, so a caseworker
    has one queue (``selectors.work_queue``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("type", max_length=16, choices=TaskKind.choices)
    authority = models.CharField("myndighed", max_length=16, choices=Authority.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="kommune")
    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks",
                                verbose_name="borger")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks",
                             verbose_name="sag")
    title = models.CharField("opgave", max_length=200)
    description = models.TextField("beskrivelse", blank=True)
    due_on = models.DateField("frist", null=True, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="tasks", verbose_name="tildelt")
    status = models.CharField("status", max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = "opgave"
        verbose_name_plural = "opgaver"
        indexes = [
            models.Index(fields=["municipality", "status", "due_on"]),
            models.Index(fields=["authority", "status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title
