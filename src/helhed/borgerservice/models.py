"""Borgerservice (seeds 003 and 004): service points with opening hours and services,
their opening mode (open, acute only, closed), appointments and acute requests, and the
face-to-face digital help given at the counter.

Seed 003 (svar på spørgsmål S 942, 2020): "såfremt en borgers henvendelse er akut med behov
for fremmøde, bør kommunerne lave en aftale om, at borgeren kan møde ind"; an urgent passport
must be orderable and NemID key cards handed out. Seed 004 (L 86, lov om Udbetaling Danmark):
citizens who cannot serve themselves digitally get face-to-face help in the municipality
(Borgerservice, libraries, staff on housing facilities).
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from helhed.core.formats import kortdato
from helhed.core.models import Municipality
from helhed.registry.models import Citizen


class ServicePointKind(models.TextChoices):
    CENTRE = "centre", "Borgerservicecenter"
    LIBRARY = "library", "Bibliotek"
    OUTREACH = "outreach", "Udgående hjælp på botilbud"


class Mode(models.TextChoices):
    """A service point's opening mode (seed 003: centres closed or restricted under covid-19)."""

    OPEN = "open", "Åben"
    ACUTE_ONLY = "acute_only", "Kun akutte henvendelser"
    CLOSED = "closed", "Lukket"


class ServiceType(models.Model):
    """A service a service point can offer. Rows without a municipality are the national
    defaults (created by migration); a municipality adds its own."""

    code = models.SlugField("kode", max_length=32)
    name = models.CharField("navn", max_length=100)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+", verbose_name="kommune (tom: alle kommuner)")

    class Meta:
        ordering = ["name"]
        verbose_name = "ydelse i Borgerservice"
        verbose_name_plural = "ydelser i Borgerservice"
        constraints = [models.UniqueConstraint(fields=["code", "municipality"], name="bs_servicetype_unique")]

    def __str__(self) -> str:
        return self.name


class AcuteReason(models.Model):
    """A reason that makes a matter acute while a service point takes acute requests only.
    National defaults come from the migration (seed 003: urgent passport, NemID/MitID key
    card; plus stopped benefit payment and risk of eviction); a municipality adds its own.
    ``within_days`` (passport): the travel date must lie within that many days.
    ``requires_description``: the citizen must describe the matter ("andet")."""

    code = models.SlugField("kode", max_length=32)
    label = models.CharField("tekst", max_length=150)
    within_days = models.PositiveSmallIntegerField("rejse inden for (dage)", null=True, blank=True)
    requires_description = models.BooleanField("kræver beskrivelse", default=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+", verbose_name="kommune (tom: alle kommuner)")
    position = models.PositiveSmallIntegerField("rækkefølge", default=0)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = "akut årsag"
        verbose_name_plural = "akutte årsager"
        constraints = [models.UniqueConstraint(fields=["code", "municipality"], name="bs_acutereason_unique")]

    def __str__(self) -> str:
        return self.label


class ServicePoint(models.Model):
    """A place citizens meet the municipality: a Borgerservice centre, a library, or
    outreach on a housing facility. ``version`` guards against two people switching the
    mode at the same time (optimistic locking)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="service_points",
                                     verbose_name="kommune")
    kind = models.CharField("type", max_length=16, choices=ServicePointKind.choices)
    name = models.CharField("navn", max_length=150)
    address = models.CharField("adresse", max_length=200)
    accessibility = models.TextField("tilgængelighed", blank=True,
                                     help_text="Fx trinfri adgang, handicaptoilet, teleslynge.")
    slot_minutes = models.PositiveSmallIntegerField("tidsbestillingens længde (minutter)", default=15)
    mode = models.CharField("driftstilstand", max_length=16, choices=Mode.choices, default=Mode.OPEN)
    mode_reason = models.CharField("begrundelse vist for borgere", max_length=300, blank=True)
    mode_from = models.DateField("fra", null=True, blank=True)
    mode_until = models.DateField("til", null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = "servicested"
        verbose_name_plural = "servicesteder"
        constraints = [
            models.CheckConstraint(condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=240),
                                   name="bs_servicepoint_slot_length"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceOffer(models.Model):
    """A service a service point offers, and how many citizens it can serve at once
    (``capacity``: parallel appointments per slot)."""

    service_point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="offers")
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name="ydelse")
    capacity = models.PositiveSmallIntegerField("pladser pr. tid", default=1)

    class Meta:
        ordering = ["service__name"]
        verbose_name = "ydelse på servicested"
        verbose_name_plural = "ydelser på servicesteder"
        constraints = [
            models.UniqueConstraint(fields=["service_point", "service"], name="bs_offer_unique"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1, capacity__lte=20), name="bs_offer_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.service} ({self.capacity})"


WEEKDAYS = [(0, "mandag"), (1, "tirsdag"), (2, "onsdag"), (3, "torsdag"), (4, "fredag"), (5, "lørdag"),
            (6, "søndag")]


class OpeningHours(models.Model):
    """Opening hours on one weekday (local time, Europe/Copenhagen). A weekday may have
    several rows (e.g. closed over lunch)."""

    service_point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField("ugedag", choices=WEEKDAYS)
    opens = models.TimeField("åbner")
    closes = models.TimeField("lukker")

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = "åbningstid"
        verbose_name_plural = "åbningstider"
        constraints = [models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")),
                                              name="bs_hours_ordered")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H.%M}–{self.closes:%H.%M}"


class ClosedDay(models.Model):
    """A day the service point is closed besides the Danish public holidays (which are
    closed days by rule, ``slots.is_closed_day``)."""

    service_point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField("dato")
    reason = models.CharField("årsag", max_length=150, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "lukkedag"
        verbose_name_plural = "lukkedage"
        constraints = [models.UniqueConstraint(fields=["service_point", "date"], name="bs_closedday_unique")]

    def __str__(self) -> str:
        return f"{kortdato(self.date)}: {self.reason}"


class Status(models.TextChoices):
    REQUESTED = "requested", "Akut anmodning afventer vurdering"
    DECLINED = "declined", "Akut anmodning afvist"
    BOOKED = "booked", "Booket"
    CHECKED_IN = "checked_in", "Mødt op"
    NO_SHOW = "no_show", "Udeblevet"
    CANCELLED = "cancelled", "Aflyst"


# The appointment's state machine. Requested is an acute request before triage.
ALLOWED_TRANSITIONS = {
    Status.REQUESTED: {Status.BOOKED, Status.DECLINED, Status.CANCELLED},
    Status.BOOKED: {Status.BOOKED, Status.CHECKED_IN, Status.NO_SHOW, Status.CANCELLED},  # booked→booked: moved
    Status.DECLINED: set(),
    Status.CHECKED_IN: set(),
    Status.NO_SHOW: set(),
    Status.CANCELLED: set(),
}
# Statuses that hold a slot: only one appointment per slot seat among these.
HOLDS_SLOT = [Status.BOOKED, Status.CHECKED_IN, Status.NO_SHOW]


class Channel(models.TextChoices):
    SELF_SERVICE = "self_service", "Selvbetjening med login"
    PUBLIC = "public", "Selvbetjening uden login (navn og telefon)"
    PHONE = "phone", "Telefon (medarbejder har booket)"
    COUNTER = "counter", "Skranken"


class Appointment(models.Model):
    """A booked time, or an acute request waiting for triage. A citizen in the registry is
    ``citizen``; a booker without a CPR-based login gives name and phone. ``seat`` numbers
    the parallel places of a slot: the partial unique constraint makes it impossible for two
    active appointments to hold the same seat of the same slot, in the database itself."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT, related_name="appointments",
                                      verbose_name="servicested")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+", verbose_name="ydelse")
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="borgerservice_appointments", verbose_name="borger")
    contact_name = models.CharField("navn", max_length=150, blank=True)
    contact_phone = models.CharField("telefon", max_length=20, blank=True)
    channel = models.CharField("kanal", max_length=16, choices=Channel.choices)
    mode = models.CharField("servicestedets tilstand ved bestilling", max_length=16, choices=Mode.choices)
    status = models.CharField("status", max_length=16, choices=Status.choices)
    starts_at = models.DateTimeField("tidspunkt", null=True, blank=True)
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="medarbejder")
    acute_reason = models.ForeignKey(AcuteReason, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="akut årsag")
    acute_description = models.TextField("beskrivelse af det akutte behov", blank=True)
    travel_date = models.DateField("rejsedato", null=True, blank=True)
    triage_due = models.DateField("vurderes senest", null=True, blank=True)
    decline_reason = models.CharField("begrundelse for afvisning", max_length=300, blank=True)
    decline_advice = models.CharField("anden kanal", max_length=300, blank=True)
    reference_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    idempotency_key = models.UUIDField(unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "created_at"]
        verbose_name = "tid i Borgerservice"
        verbose_name_plural = "tider i Borgerservice"
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "service", "starts_at", "seat"],
                condition=models.Q(status__in=HOLDS_SLOT),
                name="bs_one_appointment_per_slot_seat",
                violation_error_message="Tiden er allerede optaget.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=HOLDS_SLOT)
                | (models.Q(starts_at__isnull=False) & models.Q(seat__isnull=False)),
                name="bs_booked_has_slot",
            ),
            models.CheckConstraint(
                condition=models.Q(citizen__isnull=False) | ~models.Q(contact_phone=""),
                name="bs_citizen_or_phone",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status", "starts_at"])]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at).strftime("%d.%m.%Y %H.%M") if self.starts_at else "uden tid"
        return f"{self.service} {when}"

    @property
    def who(self) -> str:
        return self.citizen.full_name if self.citizen_id else self.contact_name


class LegalBasis(models.TextChoices):
    """Why the municipality gives face-to-face help (seed 004, L 86, lov om Udbetaling Danmark).

    § 3 stk. 2: citizens who cannot serve themselves digitally get face-to-face help in the
    municipality to use the digital entrances to Udbetaling Danmark. § 3 stk. 3: citizens
    with special needs are helped to fill in and submit applications, while Udbetaling
    Danmark handles the case, and in contact with Udbetaling Danmark on their behalf."""

    STK2 = "udk_3_2", "Lov om Udbetaling Danmark § 3, stk. 2 (hjælp til digital selvbetjening)"
    STK3 = "udk_3_3", "Lov om Udbetaling Danmark § 3, stk. 3 (borger med særlige behov)"


class HelpTopic(models.TextChoices):
    APPLICATION = "application", "Ansøgning hos Udbetaling Danmark"
    LETTER = "letter", "Forstå et brev (fx partshøring)"
    MITID = "mitid", "MitID"
    DIGITAL_POST = "digital_post", "Digital Post"
    BORGER_DK = "borger_dk", "Selvbetjening på borger.dk"
    CONTACT_UDK = "contact_udk", "Kontakt til Udbetaling Danmark på borgerens vegne"
    OTHER = "other", "Andet"


class HelpSession(models.Model):
    """A record of face-to-face digital help given at a service point. Shown on the
    citizen's overview. ``idempotency_key`` makes a form posted twice one record."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service_point = models.ForeignKey(ServicePoint, on_delete=models.PROTECT, related_name="help_sessions",
                                      verbose_name="servicested")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="borgerservice_help",
                                verbose_name="borger")
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="help_sessions")
    given_on = models.DateField("dato")
    topic = models.CharField("hvad fik borgeren hjælp til", max_length=16, choices=HelpTopic.choices)
    description = models.TextField("uddybning", blank=True)
    legal_basis = models.CharField("hjemmel", max_length=16, choices=LegalBasis.choices)
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    staff_name = models.CharField("medarbejder", max_length=150)
    idempotency_key = models.UUIDField(unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-given_on", "-created_at"]
        verbose_name = "ansigt-til-ansigt-hjælp"
        verbose_name_plural = "ansigt-til-ansigt-hjælp"

    def __str__(self) -> str:
        return f"{kortdato(self.given_on)}: {self.get_topic_display()}"


class OutboxChannel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    LETTER = "letter", "Brev"


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", "I kø"
    SENT = "sent", "Sendt"
    FAILED = "failed", "Fejlet"


class OutboxMessage(models.Model):
    """A message to a citizen, written in the same transaction as the change it tells
    about, delivered later by ``helhed send_outbox`` (see ``outbox.py``). May move to core
    when casework letters need it."""

    channel = models.CharField("kanal", max_length=8, choices=OutboxChannel.choices)
    recipient = models.CharField("modtager", max_length=254)
    subject = models.CharField("emne", max_length=200)
    body = models.TextField("tekst")
    status = models.CharField("status", max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    last_error = models.CharField("seneste fejl", max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="messages")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "udgående besked"
        verbose_name_plural = "udgående beskeder"
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.subject}"


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()
