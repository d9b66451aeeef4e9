"""Applications on every channel and referrals between authorities.

Seed 004 (L 86, lov om Udbetaling Danmark): every citizen may apply digitally, on paper, by
phone or in person with help; digital is encouraged, never the only way. An application
records its channel, who submitted it (the citizen, a representative with a power of
attorney, or staff on the citizen's behalf) and what help was given; once submitted it
becomes a case (``helhed.casework``) at the authority that decides it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.casework.models import Authority, BenefitArea, Case, Task
from helhed.core.appendonly import AppendOnlyModel
from helhed.core.formats import kortdato
from helhed.core.models import Municipality
from helhed.registry.models import Citizen, Representation


class Channel(models.TextChoices):
    DIGITAL = "digital", "Digital selvbetjening"
    PAPER = "paper", "Papir"
    PHONE = "phone", "Telefon"
    IN_PERSON = "in_person", "Personligt fremmøde med hjælp"


class SubmittedBy(models.TextChoices):
    CITIZEN = "citizen", "Borgeren selv"
    REPRESENTATIVE = "representative", "En repræsentant med fuldmagt"
    STAFF = "staff", "En medarbejder på borgerens vegne"


class HelpKind(models.TextChoices):
    NONE = "none", "Ingen hjælp"
    GUIDANCE = "guidance", "Vejledning i at bruge selvbetjeningen"
    FILLED_IN_TOGETHER = "filled_in", "Udfyldt sammen med borgeren"
    FILLED_IN_FOR = "filled_in_for", "Udfyldt for borgeren efter samtale"
    INTERPRETER = "interpreter", "Hjælp med tolk"
    SCANNED = "scanned", "Papirblanket modtaget og scannet"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Kladde"
    SUBMITTED = "submitted", "Indsendt"


def attachment_upload_to(instance: Application, filename: str) -> str:
    """A random name: the citizen's name or CPR number must not end up in a file name."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"intake/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class Application(models.Model):
    """One application for a benefit, on one channel. A draft (self-service) belongs to the
    person filling it in (``created_by``); on submission ``received_on``, ``submitted_at``
    and ``case`` are set and it no longer changes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="applications",
                                verbose_name="borger")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    benefit_area = models.CharField("ydelse", max_length=24, choices=BenefitArea.choices)
    authority = models.CharField("myndighed", max_length=16, choices=Authority.choices)
    channel = models.CharField("kanal", max_length=12, choices=Channel.choices)
    status = models.CharField("status", max_length=12, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.DRAFT)
    received_on = models.DateField("modtaget", null=True, blank=True)
    submitted_by = models.CharField("indsendt af", max_length=16, choices=SubmittedBy.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="registreret af")
    representation = models.ForeignKey(Representation, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="applications", verbose_name="fuldmagt")
    help_kind = models.CharField("hjælp", max_length=16, choices=HelpKind.choices, default=HelpKind.NONE)
    help_text = models.TextField("hjælpen beskrevet", blank=True)
    call_note = models.TextField("notat fra samtalen", blank=True)
    # Under MEDIA_ROOT, never served (no URL pattern points at MEDIA_URL).
    attachment = models.FileField("scannet ansøgning", upload_to=attachment_upload_to, max_length=200,
                                  blank=True)
    answers = models.JSONField("svar", default=dict, blank=True)
    idempotency_key = models.CharField(max_length=140, unique=True, null=True, blank=True, editable=False)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="application", verbose_name="sag")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField("indsendt", null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = "ansøgning"
        verbose_name_plural = "ansøgninger"
        indexes = [
            models.Index(fields=["municipality", "benefit_area", "received_on"]),
            models.Index(fields=["citizen", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_area_display()} ({self.get_channel_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT


class ReferralStatus(models.TextChoices):
    OPEN = "open", "Afventer kommunen"
    ACCEPTED = "accepted", "Kommunen har overtaget kontakten"
    ANSWERED = "answered", "Kommunen har svaret (ingen særlige behov)"


class Referral(models.Model):
    """Udbetaling Danmark passes the first contact of a citizen it judges to have special
    needs to the citizen's municipality (seed 004). The municipality's work queue gets a
    task with a response deadline in business days."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="referrals",
                                verbose_name="borger")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="kommune")
    reason = models.TextField("begrundelse")
    referred_on = models.DateField("henvist")
    due_on = models.DateField("svarfrist")
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="henvist af")
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="referral", verbose_name="opgave")
    status = models.CharField("status", max_length=12, choices=ReferralStatus.choices,
                              default=ReferralStatus.OPEN)
    answer = models.TextField("kommunens svar", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="besvaret af")
    answered_at = models.DateTimeField("besvaret", null=True, blank=True)
    idempotency_key = models.CharField(max_length=140, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = "henvisning"
        verbose_name_plural = "henvisninger"

    def __str__(self) -> str:
        return f"Henvisning {kortdato(self.referred_on)} ({self.get_status_display()})"


class GuidanceChannel(models.TextChoices):
    PHONE = "phone", "Telefon"
    DIGITAL = "digital", "Skriftligt, digitalt (besked eller e-mail)"
    LETTER = "letter", "Skriftligt, brev"


class GuidanceContact(AppendOnlyModel):
    """One contact in which Udbetaling Danmark guided a citizen by phone or in writing: the
    topic, the channel, what was advised and whether a referral to the municipality followed.

    Seed 004: UDK gives phone and digital support, and a citizen who did not get enough help
    may through an appeal to Ankestyrelsen be placed as if correct guidance had been given
    from the start; forvaltningsloven § 7 (the duty to guide). This log is the evidence such
    a complaint is decided on, so it is append-only: a mistake is corrected by a new contact
    that says so, never by an edit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="guidance_contacts",
                                verbose_name="borger")
    contacted_on = models.DateField("dato for kontakten")
    channel = models.CharField("kanal", max_length=10, choices=GuidanceChannel.choices)
    benefit_area = models.CharField("ydelse", max_length=24, choices=BenefitArea.choices, blank=True)
    topic = models.CharField("emne", max_length=200)
    advice = models.TextField("vejledningen")
    referred_to_municipality = models.BooleanField("henvist til kommunen", default=False)
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="henvisning")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="registreret af")
    recorded_at = models.DateTimeField("registreret", default=timezone.now, editable=False)

    class Meta:
        ordering = ["-contacted_on", "-recorded_at"]
        verbose_name = "vejledning fra Udbetaling Danmark"
        verbose_name_plural = "vejledninger fra Udbetaling Danmark"
        indexes = [models.Index(fields=["citizen", "-contacted_on"])]

    def __str__(self) -> str:
        return f"{kortdato(self.contacted_on)} {self.get_channel_display()}: {self.topic}"
